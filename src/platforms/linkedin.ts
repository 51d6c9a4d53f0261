// LinkedIn organization posts through the versioned REST Posts API. Commentary is "little text":
// unescaped reserved characters make LinkedIn silently cut the post at that character.
import { z } from "zod";
import { callApi, checkShape, classifyHttpFailure, describeBody, failure, type HttpReply } from "./http";
import { asPreparatory, attachImage, readImageFile } from "./images";
import { countCodePoints } from "./length";
import { answerLinkedInComment, collectLinkedInComments, deleteLinkedInComment } from "./linkedin-replies";
import { absent, found, isSameUrl, textCarriesLink, unknown } from "./lookup";
import { checkRemoteId } from "./remote-ids";
import { shortenToFit, toComposed } from "./shorten";
import type { AdapterContext, FailureResult, PlatformAdapter, PostImage, PublishResult } from "./types";

const MAX_CHARS = 3_000;
const API_VERSION = "202601";
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;
const POSTING_ROLES = new Set(["ADMINISTRATOR", "CONTENT_ADMIN", "DIRECT_SPONSORED_CONTENT_POSTER"]);
const POST_URN = /urn:li:(?:share|ugcPost):\d+/;
const FEED_SEARCH_LIMIT = "20";

export function escapeLittleText(text: string): string {
  return text.replace(RESERVED, "\\$&");
}

function unescapeLittleText(text: string): string {
  return text.replace(/\\([\\|{}@[\]()<>#*_~])/g, "$1");
}

function classifyLinkedInFailure(reply: HttpReply): FailureResult {
  const body = reply.body as { errorDetails?: { inputErrors?: { code?: string }[] } } | undefined;
  const duplicate = body?.errorDetails?.inputErrors?.some((e) => e.code === "DUPLICATE_POST");
  if (reply.status === 422 && duplicate) return failure("invalid", `Dubblett: ${describeBody(reply)}`);
  return classifyHttpFailure(reply);
}

const AUTHOR_POSTS = z.object({
  elements: z
    .array(
      z.object({
        id: z.string(),
        commentary: z.string().nullish(),
        content: z.object({ article: z.object({ source: z.string().nullish() }).nullish() }).nullish(),
      }),
    )
    .nullish(),
});

export function createLinkedInAdapter(): PlatformAdapter {
  const base = (ctx: AdapterContext) => ctx.account.baseUrl.replace(/\/$/, "");
  const headers = (ctx: AdapterContext, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${ctx.credential.accessToken}`,
    "linkedin-version": ctx.account.options.linkedinVersion || API_VERSION,
    "x-restli-protocol-version": "2.0.0",
    ...extra,
  });
  const postUrl = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`;
  const postPath = (ctx: AdapterContext, urn: string) => `${base(ctx)}/rest/posts/${encodeURIComponent(urn)}`;

  /** Images API: initializeUpload names the owner and gives an upload URL and the image URN; then PUT the bytes. */
  async function uploadImage(
    ctx: AdapterContext,
    image: PostImage,
  ): Promise<{ ok: true; urn: string } | FailureResult> {
    const read = await readImageFile(ctx, image);
    if (!read.ok) return read;
    const initialized = asPreparatory(
      await callApi<{ value: { uploadUrl: string; image: string } }>(
        ctx.send,
        `${base(ctx)}/rest/images?action=initializeUpload`,
        {
          method: "POST",
          headers: headers(ctx),
          json: { initializeUploadRequest: { owner: ctx.account.options.organizationUrn } },
        },
        classifyLinkedInFailure,
      ),
    );
    if (!initialized.ok) return initialized;
    const { uploadUrl, image: urn } = initialized.data.value ?? {};
    if (!uploadUrl || !urn) return failure("retry", "LinkedIn svarade utan uppladdningsadress för bilden");
    const put = asPreparatory(
      await callApi(
        ctx.send,
        uploadUrl,
        {
          method: "PUT",
          headers: { authorization: `Bearer ${ctx.credential.accessToken}`, "content-type": read.file.type },
          body: read.file.bytes,
        },
        classifyLinkedInFailure,
      ),
    );
    return put.ok ? { ok: true, urn } : put;
  }

  const replyParts = { base, headers, classify: classifyLinkedInFailure };

  return {
    platform: "linkedin",
    defaultBaseUrl: "https://api.linkedin.com",
    requiredOptions: ["organizationUrn"],
    handleFormat: { pattern: /^[\p{L}\p{N}][\p{L}\p{N}. _-]{0,99}$/u, example: "exempelkommun" },
    credentialFields: ["accessToken"],

    compose(content, limits) {
      const fit = shortenToFit(content, {
        limit: limits?.maxChars ?? MAX_CHARS,
        // The limit applies to what is sent, escapes included.
        measure: (text) => countCodePoints(escapeLittleText(text)),
      });
      const commentary = escapeLittleText(fit.text);
      // With an image the post is an image post (its URN is filled in at publish); the link stays in the text.
      const media = content.image
        ? { media: { altText: content.image.alt } }
        : { article: { source: content.link, title: content.title } };
      const composed = toComposed(
        { ...fit, text: commentary },
        {
          commentary,
          visibility: "PUBLIC",
          distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
          content: media,
          lifecycleState: "PUBLISHED",
          isReshareDisabledByAuthor: false,
        },
      );
      return attachImage(composed, content.image, true);
    },

    async publish(ctx, request): Promise<PublishResult> {
      // LinkedIn has no thread replies for organization posts, so replyTo is not used.
      const payload = { ...request.composed.payload };
      if (request.composed.image) {
        const uploaded = await uploadImage(ctx, request.composed.image);
        if (!uploaded.ok) return uploaded;
        payload.content = { media: { id: uploaded.urn, altText: request.composed.image.alt } };
      }
      const res = await callApi(
        ctx.send,
        `${base(ctx)}/rest/posts`,
        {
          method: "POST",
          headers: headers(ctx),
          json: { author: ctx.account.options.organizationUrn, ...payload },
        },
        classifyLinkedInFailure,
      );
      if (res.ok) {
        const urn = res.reply.headers.get("x-restli-id") ?? res.reply.headers.get("location")?.split("/").pop();
        if (!urn) return failure("unconfirmed", "LinkedIn svarade utan x-restli-id");
        return { ok: true, remoteId: decodeURIComponent(urn), remoteUrl: postUrl(decodeURIComponent(urn)) };
      }
      // The duplicate error names the post that already carries this text: that is our post.
      const existing = res.message.startsWith("Dubblett") ? res.message.match(POST_URN)?.[0] : undefined;
      return existing ? { ok: true, remoteId: existing, remoteUrl: postUrl(existing) } : res;
    },

    async checkRights(ctx) {
      const params = new URLSearchParams({ q: "roleAssignee", state: "APPROVED" });
      const res = await callApi<{ elements?: { organization?: string; organizationTarget?: string; role?: string }[] }>(
        ctx.send,
        `${base(ctx)}/rest/organizationAcls?${params}`,
        { headers: headers(ctx) },
      );
      if (!res.ok) return { ok: false, class: res.class, detail: res.message };
      const org = ctx.account.options.organizationUrn;
      const roles = (res.data.elements ?? [])
        .filter((e) => (e.organization ?? e.organizationTarget) === org)
        .map((e) => e.role ?? "");
      const posting = roles.find((r) => POSTING_ROLES.has(r));
      if (!posting)
        return {
          ok: false,
          class: "rights",
          detail: `Ingen publiceringsroll i ${org} (${roles.join(", ") || "ingen roll"})`,
        };
      return { ok: true, detail: `${posting} i ${org}` };
    },

    async edit(ctx, remoteId, composed) {
      const bad = checkRemoteId("linkedin", remoteId);
      if (bad) return bad;
      const { commentary } = composed.payload as { commentary: string };
      const res = await callApi(
        ctx.send,
        postPath(ctx, remoteId),
        {
          method: "POST",
          headers: headers(ctx, { "x-restli-method": "PARTIAL_UPDATE" }),
          json: { patch: { $set: { commentary } } },
        },
        classifyLinkedInFailure,
      );
      if (!res.ok) return res;
      return { ok: true, remoteId, remoteUrl: postUrl(remoteId) };
    },

    async retract(ctx, remoteId) {
      const bad = checkRemoteId("linkedin", remoteId);
      if (bad) return bad;
      const res = await callApi(ctx.send, postPath(ctx, remoteId), {
        method: "DELETE",
        headers: headers(ctx, { "x-restli-method": "DELETE" }),
      });
      if (!res.ok) return res;
      return { ok: true, remoteId, remoteUrl: postUrl(remoteId) };
    },

    async findByLink(ctx, link) {
      const params = new URLSearchParams({
        q: "author",
        author: ctx.account.options.organizationUrn,
        count: FEED_SEARCH_LIMIT,
      });
      const res = checkShape(
        await callApi(ctx.send, `${base(ctx)}/rest/posts?${params}`, {
          headers: headers(ctx, { "x-restli-method": "FINDER" }),
        }),
        AUTHOR_POSTS,
      );
      if (!res.ok) return unknown(res);
      const post = res.data.elements?.find(
        (p) =>
          isSameUrl(p.content?.article?.source, link) ||
          textCarriesLink(p.commentary ? unescapeLittleText(p.commentary) : undefined, link),
      );
      return post ? found(post.id, postUrl(post.id)) : absent;
    },

    collectReplies: (ctx, request) => collectLinkedInComments(replyParts, ctx, request),

    answerReply: (ctx, request) => answerLinkedInComment(replyParts, ctx, request),

    removeComment: (ctx, commentUrn) => deleteLinkedInComment(replyParts, ctx, commentUrn),
  };
}
