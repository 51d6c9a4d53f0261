// Mastodon (any instance). Limits are the instance's own, read from /api/v2/instance; every URL
// counts as 23 characters whatever its length, and graphemes are what is counted.
import { z } from "zod";
import type { AdapterEnvironment } from "./environment";
import { callApi, checkShape, failure } from "./http";
import { asPreparatory, attachImage, fileName, readImageFile } from "./images";
import { countGraphemes, maskUrls } from "./length";
import { absent, found, htmlCarriesLink, isSameUrl, unknown } from "./lookup";
import { answerMastodonReply, collectMastodonReplies } from "./mastodon-replies";
import { checkRemoteId } from "./remote-ids";
import { shortenToFit, toComposed } from "./shorten";
import {
  type AdapterContext,
  type ComposeLimits,
  type FailureResult,
  type PlatformAdapter,
  type PostImage,
  type PublishResult,
  primaryLanguage,
} from "./types";

const DEFAULT_MAX_CHARS = 500;
const CHARS_PER_URL = 23;
const TIMELINE_SEARCH_LIMIT = "20";
/** A large image may still be processing after upload (202); a status cannot carry it until it is done. */
const MEDIA_POLLS = 5;
const MEDIA_POLL_MS = 1_000;

const STATUS = z.object({
  id: z.string(),
  url: z.string().nullish(),
  uri: z.string().nullish(),
  content: z.string().nullish(),
  card: z.object({ url: z.string().nullish() }).nullish(),
});
type Status = z.infer<typeof STATUS>;
const ACCOUNT = z.object({ id: z.string() });

export function measureToot(text: string, charsPerUrl = CHARS_PER_URL): number {
  return countGraphemes(maskUrls(text, charsPerUrl));
}

export function createMastodonAdapter(env: AdapterEnvironment): PlatformAdapter {
  const base = (ctx: AdapterContext) => ctx.account.baseUrl.replace(/\/$/, "");
  const auth = (ctx: AdapterContext) => ({ authorization: `Bearer ${ctx.credential.accessToken}` });
  const statusUrl = (ctx: AdapterContext, status: Status) =>
    status.url ?? status.uri ?? `${base(ctx)}/@${ctx.account.handle.replace(/^@/, "").split("@")[0]}/${status.id}`;

  /** POST /api/v2/media with the alt text as `description`; waits while a 202 is processed. */
  async function uploadMedia(ctx: AdapterContext, image: PostImage): Promise<{ ok: true; id: string } | FailureResult> {
    const read = await readImageFile(ctx, image);
    if (!read.ok) return read;
    const { bytes, type } = read.file;
    const uploaded = asPreparatory(
      await callApi<{ id: string; url?: string | null }>(ctx.send, `${base(ctx)}/api/v2/media`, {
        method: "POST",
        headers: auth(ctx),
        multipart: { file: { bytes, type, filename: fileName(type) }, description: image.alt },
      }),
    );
    if (!uploaded.ok) return uploaded;
    const id = uploaded.data.id;
    if (uploaded.reply.status !== 202) return { ok: true, id };
    for (let poll = 0; poll < MEDIA_POLLS; poll++) {
      await env.sleep(MEDIA_POLL_MS);
      const state = await callApi(ctx.send, `${base(ctx)}/api/v1/media/${encodeURIComponent(id)}`, {
        headers: auth(ctx),
      });
      if (state.ok && state.reply.status === 200) return { ok: true, id };
    }
    return failure("retry", "Mastodon behandlar fortfarande bilden");
  }
  const toResult = (ctx: AdapterContext, status: Status): PublishResult => ({
    ok: true,
    remoteId: status.id,
    remoteUrl: statusUrl(ctx, status),
  });

  // The account's id, asked once per account, so a lookup is one request: one answer lost in
  // three costs a third of lookups, two answers in a row half of them.
  const accountIds = new Map<string, string>();
  const accountKey = (ctx: AdapterContext) => `${ctx.account.id}|${base(ctx)}|${ctx.account.handle}`;

  async function readAccountId(ctx: AdapterContext): Promise<{ ok: true; id: string } | FailureResult> {
    const known = accountIds.get(accountKey(ctx));
    if (known) return { ok: true, id: known };
    const me = checkShape(
      await callApi(ctx.send, `${base(ctx)}/api/v1/accounts/verify_credentials`, { headers: auth(ctx) }),
      ACCOUNT,
    );
    if (!me.ok) return me;
    accountIds.set(accountKey(ctx), me.data.id);
    return { ok: true, id: me.data.id };
  }

  const replyParts = { base, auth, readAccountId };

  return {
    platform: "mastodon",
    defaultBaseUrl: "https://mastodon.social",
    requiredOptions: [],
    handleFormat: {
      pattern: /^[A-Za-z0-9_]{1,30}(@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$/,
      example: "exempelkommun@mastodon.social",
    },
    credentialFields: ["accessToken"],

    compose(content, limits) {
      const perUrl = limits?.charsPerUrl ?? CHARS_PER_URL;
      const fit = shortenToFit(content, {
        limit: limits?.maxChars ?? DEFAULT_MAX_CHARS,
        measure: (text) => measureToot(text, perUrl),
      });
      return attachImage(
        toComposed(fit, { status: fit.text, visibility: "public", language: primaryLanguage(content.language) }),
        content.image,
        true,
      );
    },

    async fetchLimits(ctx): Promise<ComposeLimits> {
      const res = await callApi<{ configuration?: { statuses?: Record<string, number> } }>(
        ctx.send,
        `${base(ctx)}/api/v2/instance`,
      );
      const statuses = res.ok ? res.data.configuration?.statuses : undefined;
      return {
        maxChars: statuses?.max_characters ?? DEFAULT_MAX_CHARS,
        charsPerUrl: statuses?.characters_reserved_per_url ?? CHARS_PER_URL,
      };
    },

    async publish(ctx, request) {
      const body: Record<string, unknown> = { ...request.composed.payload };
      if (request.replyTo) body.in_reply_to_id = request.replyTo;
      if (request.composed.image) {
        const media = await uploadMedia(ctx, request.composed.image);
        if (!media.ok) return media;
        body.media_ids = [media.id];
      }
      // Mastodon keeps the key for an hour and answers a repeat with the original status.
      const res = await callApi<Status>(ctx.send, `${base(ctx)}/api/v1/statuses`, {
        method: "POST",
        headers: { ...auth(ctx), "idempotency-key": request.idempotencyKey },
        json: body,
      });
      if (!res.ok) return res;
      // The status names its author: a later lookup on this account then needs no verify_credentials.
      const author = (res.data as { account?: { id?: unknown } }).account?.id;
      if (typeof author === "string" && author) accountIds.set(accountKey(ctx), author);
      return toResult(ctx, res.data);
    },

    async checkRights(ctx) {
      const res = await callApi<{ acct: string; url?: string }>(
        ctx.send,
        `${base(ctx)}/api/v1/accounts/verify_credentials`,
        { headers: auth(ctx) },
      );
      if (!res.ok) return { ok: false, class: res.class, detail: res.message };
      return { ok: true, detail: `Inloggad som @${res.data.acct}` };
    },

    async edit(ctx, remoteId, composed) {
      const bad = checkRemoteId("mastodon", remoteId);
      if (bad) return bad;
      const { status, language } = composed.payload as { status: string; language?: string };
      const res = await callApi<Status>(ctx.send, `${base(ctx)}/api/v1/statuses/${encodeURIComponent(remoteId)}`, {
        method: "PUT",
        headers: auth(ctx),
        json: { status, language },
      });
      return res.ok ? toResult(ctx, res.data) : res;
    },

    async retract(ctx, remoteId) {
      const bad = checkRemoteId("mastodon", remoteId);
      if (bad) return bad;
      const res = await callApi<Status>(ctx.send, `${base(ctx)}/api/v1/statuses/${encodeURIComponent(remoteId)}`, {
        method: "DELETE",
        headers: auth(ctx),
      });
      return res.ok ? toResult(ctx, res.data) : res;
    },

    async findByLink(ctx, link) {
      const me = await readAccountId(ctx);
      if (!me.ok) return unknown(me);
      const res = checkShape(
        await callApi(
          ctx.send,
          `${base(ctx)}/api/v1/accounts/${encodeURIComponent(me.id)}/statuses?limit=${TIMELINE_SEARCH_LIMIT}`,
          { headers: auth(ctx) },
        ),
        z.array(STATUS),
      );
      if (!res.ok) return unknown(res);
      // content is HTML whose visible link text Mastodon abridges; the card and the hrefs carry the whole URL.
      const status = res.data.find((s) => isSameUrl(s.card?.url, link) || htmlCarriesLink(s.content, link));
      if (!status) return absent;
      return found(status.id, statusUrl(ctx, status));
    },

    collectReplies: (ctx, request) => collectMastodonReplies(replyParts, ctx, request),

    answerReply: (ctx, request) =>
      answerMastodonReply(replyParts, ctx, request, (id, url) => statusUrl(ctx, { id, url })),
  };
}
