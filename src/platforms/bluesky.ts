// Bluesky through the account's PDS (AT Protocol XRPC). Sessions are rate-limited, so one is
// kept per account for the life of the adapter and refreshed when the access token expires; only
// createRecord can make a post, so every other request whose answer is lost is simply "retry".
// The hub chooses each post's record key (a TID from the delivery), so a createRecord sent again
// cannot make a second post: the repository refuses a key it holds, and getRecord on that key
// says for certain whether the first one landed.
// Links are not detected by the server: each needs a facet addressed in UTF-8 bytes.
import { z } from "zod";
import { readNotifications } from "./bluesky-replies";
import {
  callApi,
  checkShape,
  classifyHttpFailure,
  describeBody,
  failure,
  type HttpReply,
  lostAnswerIsRetry,
} from "./http";
import { asPreparatory, attachImage, type ImageFile, readImageFile } from "./images";
import { countGraphemes, countUtf8Bytes, locateUrls } from "./length";
import { absent, found, isSameUrl, textCarriesLink, unknown } from "./lookup";
import { checkRemoteId } from "./remote-ids";
import { shortenToFit, toComposed } from "./shorten";
import { tidFor } from "./tid";
import {
  type AdapterContext,
  type CollectResult,
  type Composed,
  type FailureResult,
  type PlatformAdapter,
  type PublishResult,
  primaryLanguage,
} from "./types";

const MAX_GRAPHEMES = 300;
const MAX_BYTES = 3_000;
const POST_COLLECTION = "app.bsky.feed.post";
const CARD_DESCRIPTION_CHARS = 200;
const RECORD_SEARCH_LIMIT = "30";
/** The lexicon's cap for an image in app.bsky.embed.images and for a link card's thumb. */
export const MAX_BLOB_BYTES = 1_000_000;
const EXPIRED_ERRORS = new Set(["ExpiredToken", "InvalidToken"]);
const ACCOUNT_STATE_ERRORS = new Set(["AccountTakedown", "AccountDeactivated", "AccountSuspended"]);
/** Posts whose reply refs are remembered, so a thread's replies need no getRecord each. */
const REMEMBERED_RECORDS = 1_000;

interface Session {
  accessJwt: string;
  refreshJwt: string;
  did: string;
  handle: string;
}

interface Blob {
  $type: "blob";
  ref: { $link: string };
  mimeType: string;
  size: number;
}

interface StrongRef {
  uri: string;
  cid: string;
}

/** What a reply to a post needs: the post itself, and the root of the thread it is in (when it is a reply). */
interface KnownRecord {
  ref: StrongRef;
  root?: StrongRef;
}

interface PostRecord {
  text?: string;
  facets?: { features?: { uri?: string }[] }[];
  embed?: { external?: { uri?: string } };
  reply?: { root: StrongRef; parent: StrongRef };
}

/** What a lookup reads of listRecords: the post's text and the structured links that decide a match. */
const LISTED_POSTS = z.object({
  records: z.array(
    z.object({
      uri: z.string(),
      value: z.object({
        text: z.string().nullish(),
        facets: z.array(z.object({ features: z.array(z.object({ uri: z.string().nullish() })).nullish() })).nullish(),
        embed: z.object({ external: z.object({ uri: z.string().nullish() }).nullish() }).nullish(),
      }),
    }),
  ),
});
type ListedPost = z.infer<typeof LISTED_POSTS>["records"][number]["value"];

type XrpcResult<T> = { ok: true; data: T } | (FailureResult & { error?: string });

function classifyXrpcFailure(reply: HttpReply): FailureResult & { error?: string } {
  const error = (reply.body as { error?: string } | undefined)?.error;
  const message = `${error ?? `HTTP ${reply.status}`}: ${describeBody(reply)}`;
  if (error && EXPIRED_ERRORS.has(error)) return { ...failure("auth", message), error };
  if (error && ACCOUNT_STATE_ERRORS.has(error)) return { ...failure("rights", message), error };
  return { ...classifyHttpFailure(reply), message, error };
}

/** UTF-8 byte offsets of every URL, the form app.bsky.richtext.facet requires. */
export function buildLinkFacets(text: string) {
  return locateUrls(text).map((range) => {
    const byteStart = countUtf8Bytes(text.slice(0, range.start));
    return {
      index: { byteStart, byteEnd: byteStart + countUtf8Bytes(range.url) },
      features: [{ $type: "app.bsky.richtext.facet#link", uri: range.url }],
    };
  });
}

export function measureSkeet(text: string): number {
  // Both limits bind (300 graphemes, 3,000 bytes); a tenth of the bytes folds the byte limit
  // into the grapheme count, so shortening honours whichever is hit first.
  return Math.max(countGraphemes(text), Math.ceil((countUtf8Bytes(text) * MAX_GRAPHEMES) / MAX_BYTES));
}

export function createBlueskyAdapter(): PlatformAdapter {
  const sessions = new Map<string, Session>();
  const base = (ctx: AdapterContext) => ctx.account.baseUrl.replace(/\/$/, "");
  const sessionKey = (ctx: AdapterContext) => `${ctx.account.id}|${base(ctx)}|${ctx.credential.identifier}`;
  const xrpc = <T>(ctx: AdapterContext, method: string, init: Parameters<typeof callApi>[2] = {}) =>
    callApi<T>(ctx.send, `${base(ctx)}/xrpc/${method}`, init, classifyXrpcFailure) as Promise<XrpcResult<T>>;

  const records = new Map<string, KnownRecord>();
  const recordKey = (ctx: AdapterContext, uri: string) => `${sessionKey(ctx)}|${uri}`;
  const remember = (ctx: AdapterContext, record: KnownRecord) => {
    if (records.size >= REMEMBERED_RECORDS) records.delete(records.keys().next().value as string);
    records.set(recordKey(ctx, record.ref.uri), record);
  };

  async function createSession(ctx: AdapterContext): Promise<XrpcResult<Session>> {
    const res = lostAnswerIsRetry(
      await xrpc<Session>(ctx, "com.atproto.server.createSession", {
        method: "POST",
        json: { identifier: ctx.credential.identifier, password: ctx.credential.appPassword },
      }),
    );
    if (res.ok) sessions.set(sessionKey(ctx), res.data);
    return res;
  }

  async function refreshSession(ctx: AdapterContext, session: Session): Promise<XrpcResult<Session>> {
    const res = await xrpc<Session>(ctx, "com.atproto.server.refreshSession", {
      method: "POST",
      headers: { authorization: `Bearer ${session.refreshJwt}` },
    });
    if (res.ok) {
      sessions.set(sessionKey(ctx), res.data);
      return res;
    }
    // Refused with 429 or 5xx: the refresh token was not spent and serves the next attempt, and a
    // new login now would only spend createSession's much stricter rate limit.
    if (res.class === "retry") return res;
    // Refused as expired, or answered into the void: refresh tokens rotate, so ours may be spent.
    sessions.delete(sessionKey(ctx));
    return createSession(ctx);
  }

  /** Runs `call` with a live session. An expired token was refused before anything happened, so one retry is safe. */
  async function withSession<T>(
    ctx: AdapterContext,
    call: (session: Session) => Promise<XrpcResult<T>>,
  ): Promise<XrpcResult<T> | FailureResult> {
    const cached = sessions.get(sessionKey(ctx));
    const session = cached ? { ok: true as const, data: cached } : await createSession(ctx);
    if (!session.ok) return session;
    const first = await call(session.data);
    if (first.ok || !first.error || !EXPIRED_ERRORS.has(first.error)) return first;
    const renewed = await refreshSession(ctx, session.data);
    if (!renewed.ok) return renewed;
    return call(renewed.data);
  }

  const bearer = (session: Session) => ({ authorization: `Bearer ${session.accessJwt}` });
  const postUrl = (session: Session, uri: string) =>
    `https://bsky.app/profile/${session.handle}/post/${uri.split("/").pop()}`;

  async function readReplyRefs(
    ctx: AdapterContext,
    session: Session,
    uri: string,
  ): Promise<XrpcResult<{ root: StrongRef; parent: StrongRef }>> {
    const known = records.get(recordKey(ctx, uri));
    // Replies to a reply keep pointing at the thread's first post as root.
    if (known) return { ok: true, data: { root: known.root ?? known.ref, parent: known.ref } };
    const [repo, collection, rkey] = uri.replace(/^at:\/\//, "").split("/");
    const params = new URLSearchParams({ repo, collection, rkey });
    const res = await xrpc<{ uri: string; cid: string; value: PostRecord }>(
      ctx,
      `com.atproto.repo.getRecord?${params}`,
      { headers: bearer(session) },
    );
    if (!res.ok) return res;
    const parent = { uri: res.data.uri, cid: res.data.cid };
    const root = res.data.value.reply?.root;
    remember(ctx, { ref: parent, root });
    return { ok: true, data: { root: root ?? parent, parent } };
  }

  /** The post at `rkey` in the account's own repository, or null when it is not there or cannot be read. */
  async function readOwnRecord(ctx: AdapterContext, session: Session, rkey: string): Promise<StrongRef | null> {
    const params = new URLSearchParams({ repo: session.did, collection: POST_COLLECTION, rkey });
    const res = await xrpc<StrongRef>(ctx, `com.atproto.repo.getRecord?${params}`, { headers: bearer(session) });
    return res.ok && typeof res.data.uri === "string" ? { uri: res.data.uri, cid: res.data.cid } : null;
  }

  /** com.atproto.repo.uploadBlob: the raw bytes, with their type as Content-Type. */
  async function uploadBlob(ctx: AdapterContext, session: Session, file: ImageFile): Promise<XrpcResult<Blob>> {
    const res = await xrpc<{ blob: Blob }>(ctx, "com.atproto.repo.uploadBlob", {
      method: "POST",
      headers: { ...bearer(session), "content-type": file.type },
      body: file.bytes,
    });
    const blob = asPreparatory(res) as XrpcResult<{ blob: Blob }>;
    return blob.ok ? { ok: true, data: blob.data.blob } : blob;
  }

  /** The embed with its blobs in place: the image, or the link card's thumb (the crisis card). */
  async function uploadEmbed(
    ctx: AdapterContext,
    session: Session,
    embed: Embed,
    files: EmbedFiles,
  ): Promise<XrpcResult<Embed>> {
    if (files.image && embed.images) {
      const blob = await uploadBlob(ctx, session, files.image);
      if (!blob.ok) return blob;
      return { ok: true, data: { ...embed, images: [{ ...embed.images[0], image: blob.data }] } };
    }
    if (files.thumb && embed.external) {
      const blob = await uploadBlob(ctx, session, files.thumb);
      // The card's picture is decoration: when its upload fails the post goes without it, as
      // every request more an attempt needs is one more chance for a bad day to delay the update.
      if (!blob.ok) return { ok: true, data: embed };
      return { ok: true, data: { ...embed, external: { ...embed.external, thumb: blob.data } } };
    }
    return { ok: true, data: embed };
  }

  return {
    platform: "bluesky",
    defaultBaseUrl: "https://bsky.social",
    requiredOptions: [],
    handleFormat: {
      pattern: /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/,
      example: "exempelkommun.bsky.social",
    },
    // The name Bluesky's own docs use for an app password.
    credentialAliases: { password: "appPassword" },
    credentialFields: ["identifier", "appPassword"],

    compose(content, limits) {
      const fit = shortenToFit(content, { limit: limits?.maxChars ?? MAX_GRAPHEMES, measure: measureSkeet });
      const description =
        content.body.length > CARD_DESCRIPTION_CHARS
          ? `${content.body.slice(0, CARD_DESCRIPTION_CHARS).replace(/\s+\S*$/u, "")}…`
          : content.body;
      const record = {
        $type: POST_COLLECTION,
        text: fit.text,
        langs: [primaryLanguage(content.language)],
        facets: buildLinkFacets(fit.text),
      };
      // An image larger than the lexicon allows goes as the link card instead: the website shows it.
      const image = content.image && !(content.image.bytes && content.image.bytes.length > MAX_BLOB_BYTES);
      if (image) {
        // The blob is uploaded at publish; the link stays reachable through its facet.
        const embed = { $type: "app.bsky.embed.images", images: [{ alt: content.image?.alt }] };
        return attachImage(toComposed(fit, { ...record, embed }), content.image, true);
      }
      const external = { uri: content.link, title: content.title, description };
      const composed = toComposed(fit, { ...record, embed: { $type: "app.bsky.embed.external", external } });
      if (content.linkCard) composed.linkCard = content.linkCard;
      return composed;
    },

    async publish(ctx, request): Promise<PublishResult> {
      const files = await readEmbedFiles(ctx, request.composed);
      if (!files.ok) return files;
      const res = await withSession(ctx, async (session) => {
        const record: Record<string, unknown> = { ...request.composed.payload, createdAt: ctx.now().toISOString() };
        const embed = await uploadEmbed(ctx, session, record.embed as Embed, files);
        if (!embed.ok) return embed;
        record.embed = embed.data;
        if (request.replyTo) {
          const refs = await readReplyRefs(ctx, session, request.replyTo);
          if (!refs.ok) return refs;
          record.reply = refs.data;
        }
        const rkey = request.enqueuedAt ? tidFor(request.idempotencyKey, request.enqueuedAt) : undefined;
        const created = await xrpc<StrongRef>(ctx, "com.atproto.repo.createRecord", {
          method: "POST",
          headers: bearer(session),
          json: { repo: session.did, collection: POST_COLLECTION, ...(rkey ? { rkey } : {}), record },
        });
        let ref: StrongRef;
        if (created.ok) ref = { uri: created.data.uri, cid: created.data.cid };
        else {
          // A refusal may mean the key is taken: an earlier attempt of this delivery landed.
          const landed = rkey ? await readOwnRecord(ctx, session, rkey) : null;
          if (!landed) return created;
          ref = landed;
        }
        remember(ctx, { ref, root: (record.reply as PostRecord["reply"])?.root });
        return { ok: true as const, data: { ...ref, session } };
      });
      if (!res.ok) return stripError(res);
      return { ok: true, remoteId: res.data.uri, remoteUrl: postUrl(res.data.session, res.data.uri) };
    },

    async checkRights(ctx) {
      const res = await withSession(ctx, (session) =>
        xrpc<{ handle: string; active?: boolean; status?: string }>(ctx, "com.atproto.server.getSession", {
          headers: bearer(session),
        }),
      );
      if (!res.ok) return { ok: false, class: res.class, detail: res.message };
      if (res.data.active === false)
        return { ok: false, class: "rights", detail: `Kontot är ${res.data.status ?? "inaktivt"}` };
      return { ok: true, detail: `Inloggad som @${res.data.handle}` };
    },

    async retract(ctx, remoteId) {
      const bad = checkRemoteId("bluesky", remoteId);
      if (bad) return bad;
      const rkey = remoteId.split("/").pop() ?? "";
      records.delete(recordKey(ctx, remoteId));
      const res = await withSession(ctx, async (session) => {
        const deleted = await xrpc(ctx, "com.atproto.repo.deleteRecord", {
          method: "POST",
          headers: bearer(session),
          json: { repo: session.did, collection: POST_COLLECTION, rkey },
        });
        return deleted.ok ? { ok: true as const, data: session } : deleted;
      });
      if (!res.ok) return stripError(res);
      return { ok: true, remoteId, remoteUrl: postUrl(res.data, remoteId) };
    },

    async findByLink(ctx, link) {
      const res = await withSession(ctx, async (session) => {
        const params = new URLSearchParams({
          repo: session.did,
          collection: POST_COLLECTION,
          limit: RECORD_SEARCH_LIMIT,
        });
        const reply = await xrpc<unknown>(ctx, `com.atproto.repo.listRecords?${params}`, {
          headers: bearer(session),
        });
        if (!reply.ok) return reply;
        const listed = checkShape(reply, LISTED_POSTS);
        return listed.ok ? { ok: true as const, data: { records: listed.data.records, session } } : listed;
      });
      if (!res.ok) return unknown(res);
      const record = res.data.records.find(({ value }) => recordCarriesLink(value, link));
      return record ? found(record.uri, postUrl(res.data.session, record.uri)) : absent;
    },

    async collectReplies(ctx, request): Promise<CollectResult> {
      const res = await withSession(ctx, (session) =>
        readNotifications((path) => xrpc<unknown>(ctx, path, { headers: bearer(session) }), request.cursor),
      );
      return res.ok ? { ok: true, ...res.data } : stripError(res);
    },

    async answerReply(ctx, request): Promise<PublishResult> {
      const bad = checkRemoteId("bluesky", request.replyId);
      if (bad) return bad;
      const res = await withSession(ctx, async (session) => {
        const refs = await readReplyRefs(ctx, session, request.replyId);
        if (!refs.ok) return refs;
        const record = {
          $type: POST_COLLECTION,
          text: request.text,
          createdAt: ctx.now().toISOString(),
          langs: ["sv"],
          facets: buildLinkFacets(request.text),
          reply: refs.data,
        };
        const created = await xrpc<StrongRef>(ctx, "com.atproto.repo.createRecord", {
          method: "POST",
          headers: bearer(session),
          json: { repo: session.did, collection: POST_COLLECTION, record },
        });
        return created.ok ? { ok: true as const, data: { uri: created.data.uri, session } } : created;
      });
      if (!res.ok) return stripError(res);
      return { ok: true, remoteId: res.data.uri, remoteUrl: postUrl(res.data.session, res.data.uri) };
    },
  };
}

interface Embed {
  $type: string;
  images?: Record<string, unknown>[];
  external?: Record<string, unknown>;
}

interface EmbedFiles {
  ok: true;
  image?: ImageFile;
  thumb?: ImageFile;
}

/**
 * The files to upload, read before a session is opened. The update's own image must go along;
 * the crisis card is the link card's decoration, so a card the hub cannot serve is left out.
 */
async function readEmbedFiles(ctx: AdapterContext, composed: Composed): Promise<EmbedFiles | FailureResult> {
  if (composed.image) {
    const read = await readImageFile(ctx, composed.image);
    if (!read.ok) return read;
    if (read.file.bytes.length > MAX_BLOB_BYTES)
      return failure("invalid", `Bilden är större än Bluesky tar emot (${MAX_BLOB_BYTES} byte)`);
    return { ok: true, image: read.file };
  }
  if (!composed.linkCard) return { ok: true };
  const card = await readImageFile(ctx, composed.linkCard);
  return card.ok && card.file.bytes.length <= MAX_BLOB_BYTES ? { ok: true, thumb: card.file } : { ok: true };
}

/** The link card and the link facets are structured; the text is the fallback for a post written by hand. */
function recordCarriesLink(record: ListedPost, link: string): boolean {
  if (isSameUrl(record.embed?.external?.uri, link)) return true;
  if (record.facets?.some((f) => f.features?.some((feature) => isSameUrl(feature.uri, link)))) return true;
  return textCarriesLink(record.text, link);
}

function stripError(res: FailureResult & { error?: string }): FailureResult {
  const { error: _error, ...rest } = res;
  return rest;
}
