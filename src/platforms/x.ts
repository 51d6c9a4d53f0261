// X (Twitter) API v2. Length is weighted (most emoji and CJK weigh 2) and every URL counts as
// 23 because X wraps it in t.co, so counting is left to twitter-text.
import twitterText from "twitter-text";
import { z } from "zod";
import { callApi, checkShape, classifyHttpFailure, describeBody, failure, type HttpReply } from "./http";
import { asPreparatory, attachImage, fileName, readImageFile } from "./images";
import { findUrls } from "./length";
import { absent, absentSince, found, isSameUrl, textCarriesLink, unknown } from "./lookup";
import { checkRemoteId } from "./remote-ids";
import { shortenToFit, toComposed } from "./shorten";
import type { AdapterContext, FailureResult, LookupResult, PlatformAdapter, PostImage, PublishResult } from "./types";
import { answerXMention, collectXMentions, hideXReply } from "./x-replies";

const MAX_WEIGHTED = 280;
const CHARS_PER_URL = 23;
const TIMELINE_SEARCH_LIMIT = "20";
// twitter-text's "version 3" configuration, which X uses today; spelled out because the typings omit `configs`.
const TWEET_CONFIG = {
  version: 3,
  maxWeightedTweetLength: MAX_WEIGHTED,
  scale: 100,
  defaultWeight: 200,
  emojiParsingEnabled: true,
  transformedURLLength: CHARS_PER_URL,
  ranges: [
    { start: 0, end: 4351, weight: 100 },
    { start: 8192, end: 8205, weight: 100 },
    { start: 8208, end: 8223, weight: 100 },
    { start: 8242, end: 8247, weight: 100 },
  ],
};
const DUPLICATE_DETAIL = /duplicate content/i;
/** X's cap for an image's alt text. */
const MAX_ALT_CHARS = 1_000;
const REPLY_TARGET_GONE = /reply to a (Tweet|post) that is deleted or not visible/i;

export function measureTweet(text: string, charsPerUrl = CHARS_PER_URL): number {
  return twitterText.parseTweet(text.normalize("NFC"), { ...TWEET_CONFIG, transformedURLLength: charsPerUrl })
    .weightedLength;
}

function classifyXFailure(reply: HttpReply): FailureResult {
  const detail = describeBody(reply);
  if (reply.status === 403 && DUPLICATE_DETAIL.test(detail)) return failure("invalid", `Dubblett: ${detail}`);
  if (reply.status === 403 && REPLY_TARGET_GONE.test(detail)) return failure("invalid", detail);
  return classifyHttpFailure(reply);
}

const ME = z.object({ data: z.object({ id: z.string() }) });
const TIMELINE = z.object({
  data: z
    .array(
      z.object({
        id: z.string(),
        text: z.string(),
        entities: z
          .object({
            urls: z
              .array(z.object({ expanded_url: z.string().nullish(), unwound_url: z.string().nullish() }))
              .nullish(),
          })
          .nullish(),
      }),
    )
    .nullish(),
  meta: z.object({ next_token: z.string().nullish() }).nullish(),
});

export function createXAdapter(): PlatformAdapter {
  const base = (ctx: AdapterContext) => ctx.account.baseUrl.replace(/\/$/, "");
  const auth = (ctx: AdapterContext) => ({ authorization: `Bearer ${ctx.credential.accessToken}` });
  const postUrl = (id: string) => `https://x.com/i/web/status/${id}`;

  // The account's user id, asked once per account: /2/users/me has a tight daily limit, and a
  // lookup that needs two answers fails twice as often when the platform is struggling.
  const userIds = new Map<string, string>();
  const userKey = (ctx: AdapterContext) => `${ctx.account.id}|${base(ctx)}|${ctx.account.handle}`;

  async function readUserId(ctx: AdapterContext): Promise<{ ok: true; id: string } | FailureResult> {
    const known = userIds.get(userKey(ctx));
    if (known) return { ok: true, id: known };
    const me = checkShape(await callApi(ctx.send, `${base(ctx)}/2/users/me`, { headers: auth(ctx) }), ME);
    if (!me.ok) return me;
    userIds.set(userKey(ctx), me.data.data.id);
    return { ok: true, id: me.data.data.id };
  }

  async function findByLink(ctx: AdapterContext, link: string, since?: Date): Promise<LookupResult> {
    const me = await readUserId(ctx);
    if (!me.ok) return unknown(me);
    const params = new URLSearchParams({ max_results: TIMELINE_SEARCH_LIMIT, "tweet.fields": "entities" });
    // With start_time the timeline holds only posts made after it: a page that is not full is all of them.
    if (since) params.set("start_time", since.toISOString().replace(/\.\d{3}Z$/, "Z"));
    const timeline = checkShape(
      await callApi(ctx.send, `${base(ctx)}/2/users/${encodeURIComponent(me.id)}/tweets?${params}`, {
        headers: auth(ctx),
      }),
      TIMELINE,
    );
    if (!timeline.ok) return unknown(timeline);
    // Text comes back with t.co links; the original URL is only in the entities.
    const post = timeline.data.data?.find(
      (p) =>
        p.entities?.urls?.some((u) => isSameUrl(u.expanded_url, link) || isSameUrl(u.unwound_url, link)) ||
        textCarriesLink(p.text, link),
    );
    if (post) return found(post.id, postUrl(post.id));
    const complete =
      !timeline.data.meta?.next_token && (timeline.data.data?.length ?? 0) < Number(TIMELINE_SEARCH_LIMIT);
    return since && complete ? absentSince : absent;
  }

  /** POST /2/media/upload (multipart), then the alt text through POST /2/media/metadata. */
  async function uploadMedia(ctx: AdapterContext, image: PostImage): Promise<{ ok: true; id: string } | FailureResult> {
    const read = await readImageFile(ctx, image);
    if (!read.ok) return read;
    const { bytes, type } = read.file;
    const uploaded = asPreparatory(
      await callApi<{ data: { id: string } }>(
        ctx.send,
        `${base(ctx)}/2/media/upload`,
        {
          method: "POST",
          headers: auth(ctx),
          multipart: { media: { bytes, type, filename: fileName(type) }, media_category: "tweet_image" },
        },
        classifyXFailure,
      ),
    );
    if (!uploaded.ok) return uploaded;
    const id = uploaded.data.data.id;
    const described = asPreparatory(
      await callApi(
        ctx.send,
        `${base(ctx)}/2/media/metadata`,
        {
          method: "POST",
          headers: auth(ctx),
          json: { id, metadata: { alt_text: { text: image.alt.slice(0, MAX_ALT_CHARS) } } },
        },
        classifyXFailure,
      ),
    );
    return described.ok ? { ok: true, id } : described;
  }

  async function createPost(ctx: AdapterContext, body: Record<string, unknown>, link?: string): Promise<PublishResult> {
    const res = await callApi<{ data: { id: string } }>(
      ctx.send,
      `${base(ctx)}/2/tweets`,
      { method: "POST", headers: auth(ctx), json: body },
      classifyXFailure,
    );
    if (res.ok) return { ok: true, remoteId: res.data.data.id, remoteUrl: postUrl(res.data.data.id) };
    // Each update has its own permalink, so a duplicate almost always means our earlier,
    // unanswered attempt did go through: settle on that post instead of failing.
    if (link && res.message.startsWith("Dubblett")) {
      const existing = await findByLink(ctx, link);
      if (existing.state === "found") return { ok: true, remoteId: existing.remoteId, remoteUrl: existing.remoteUrl };
    }
    return res;
  }

  const replyParts = { base, auth, readUserId, classify: classifyXFailure };

  return {
    platform: "x",
    // Mentions are read at most every three minutes: the paid tiers allow few reads per 15 minutes.
    inboxPollSeconds: 180,
    defaultBaseUrl: "https://api.x.com",
    requiredOptions: [],
    handleFormat: { pattern: /^[A-Za-z0-9_]{1,15}$/, example: "exempelkommun" },
    credentialFields: ["accessToken"],

    compose(content, limits) {
      const perUrl = limits?.charsPerUrl ?? CHARS_PER_URL;
      const fit = shortenToFit(content, {
        limit: limits?.maxChars ?? MAX_WEIGHTED,
        measure: (text) => measureTweet(text, perUrl),
      });
      return attachImage(toComposed(fit, { text: fit.text }), content.image, true);
    },

    async publish(ctx, request) {
      const { text } = request.composed.payload as { text: string };
      const body: Record<string, unknown> = { text };
      if (request.replyTo) body.reply = { in_reply_to_tweet_id: request.replyTo };
      if (request.composed.image) {
        const media = await uploadMedia(ctx, request.composed.image);
        if (!media.ok) return media;
        body.media = { media_ids: [media.id] };
      }
      // The website link is always the last URL: compose puts it there and never cuts it.
      return createPost(ctx, body, findUrls(text).at(-1));
    },

    async checkRights(ctx) {
      const res = await callApi<{ data: { username: string } }>(ctx.send, `${base(ctx)}/2/users/me`, {
        headers: auth(ctx),
      });
      if (!res.ok) return { ok: false, class: res.class, detail: res.message };
      // Only OAuth 1.0a answers carry the access level; an OAuth 2 token's scopes cannot be read back.
      const level = res.reply.headers.get("x-access-level");
      if (level && !level.includes("write")) {
        return { ok: false, class: "rights", detail: `Token har bara läsrätt (${level})` };
      }
      return { ok: true, detail: `Inloggad som @${res.data.data.username}` };
    },

    edit(ctx, remoteId, composed) {
      const bad = checkRemoteId("x", remoteId);
      if (bad) return Promise.resolve(bad);
      // An edit is a new post that names the one it replaces; X gives it a new id.
      const { text } = composed.payload as { text: string };
      return createPost(ctx, { text, edit_options: { previous_post_id: remoteId } });
    },

    async retract(ctx, remoteId) {
      const bad = checkRemoteId("x", remoteId);
      if (bad) return bad;
      const res = await callApi(ctx.send, `${base(ctx)}/2/tweets/${encodeURIComponent(remoteId)}`, {
        method: "DELETE",
        headers: auth(ctx),
      });
      if (!res.ok) return res;
      return { ok: true, remoteId, remoteUrl: postUrl(remoteId) };
    },

    findByLink,

    collectReplies: (ctx, request) => collectXMentions(replyParts, ctx, request),

    answerReply: (ctx, request) => answerXMention(replyParts, ctx, request),

    removeComment: (ctx, replyId) => hideXReply(replyParts, ctx, replyId),
  };
}
