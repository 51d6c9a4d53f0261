// Stand-in for a Bluesky PDS: sessions with access tokens that expire (refreshSession rotates
// them), createRecord validated like the lexicon (300 graphemes, 3,000 bytes, facet byte ranges,
// reply refs), getRecord, listRecords, deleteRecord, and the RateLimit-* / Retry-After headers.
import type { Context } from "hono";
import { isTid } from "../platforms/tid";
import { type FailureSpec, type RenderedFailure, retryAfterOf } from "./control";
import {
  bearerToken,
  createPlatformParts,
  DEFAULT_PUBLIC_AUTHOR,
  type SandboxClock,
  type SandboxPlatform,
} from "./platform";
import type { SandboxMedia } from "./store";
import { readRawUpload } from "./uploads";

export const BLUESKY_HANDLE = "exempelkommun.bsky.social";
export const BLUESKY_DID = "did:plc:sbxexempelkommun0000001";
export const BLUESKY_APP_PASSWORD = "sbx1-sbx2-sbx3-sbx4";
const COLLECTION = "app.bsky.feed.post";
const MAX_GRAPHEMES = 300;
const MAX_BYTES = 3_000;
/** The lexicon's cap for an embedded image and a link card's thumb. */
const MAX_IMAGE_BLOB = 1_000_000;
const ACCESS_TTL_SECONDS = 7_200;
const RATE_LIMIT = 5_000;
const GRAPHEMES = new Intl.Segmenter("en", { granularity: "grapheme" });
const UTF8 = new TextEncoder();

interface Token {
  kind: "access" | "refresh";
  epoch: number;
  issuedAt: number;
}

interface Facet {
  index: { byteStart: number; byteEnd: number };
  features: { $type: string; uri?: string }[];
}

interface StrongRef {
  uri?: string;
  cid?: string;
}

/** A post record as a client sends it: nothing is trusted until validatePost has looked. */
interface PostRecord {
  $type?: unknown;
  text?: unknown;
  createdAt?: unknown;
  facets?: Facet[];
  reply?: { root?: StrongRef; parent?: StrongRef };
  embed?: { external?: { uri?: string; title?: unknown; description?: unknown } };
}

function xrpcError(error: string, message: string) {
  return { error, message };
}

export function createBlueskySandbox(clock: SandboxClock): SandboxPlatform {
  const render = (spec: FailureSpec): RenderedFailure => {
    if (spec.status === 429) {
      const seconds = retryAfterOf(spec);
      return {
        body: xrpcError("RateLimitExceeded", "Rate Limit Exceeded"),
        headers: {
          "RateLimit-Limit": String(RATE_LIMIT),
          "RateLimit-Remaining": "0",
          "RateLimit-Reset": String(Math.ceil(clock.now() / 1000) + seconds),
          "RateLimit-Policy": `${RATE_LIMIT};w=3600`,
          "Retry-After": String(seconds),
        },
      };
    }
    const names: Record<number, [string, string]> = {
      400: ["InvalidRequest", "Invalid request"],
      401: ["AuthenticationRequired", "Authentication Required"],
      403: ["Forbidden", "Forbidden"],
      500: ["InternalServerError", "Internal Server Error"],
      502: ["UpstreamFailure", "Upstream Failure"],
      503: ["NotEnoughResources", "Not Enough Resources"],
      504: ["UpstreamTimeout", "Upstream Timeout"],
    };
    const [error, message] = names[spec.status] ?? ["InternalServerError", "Internal Server Error"];
    return { body: xrpcError(error, message) };
  };
  const { app, control, store } = createPlatformParts(clock, render);
  const tokens = new Map<string, Token>();
  let serial = 0;
  const cids = new Map<string, string>();

  const issueSession = () => {
    const n = ++serial;
    const accessJwt = `sbx-access-${n}`;
    const refreshJwt = `sbx-refresh-${n}`;
    tokens.set(accessJwt, { kind: "access", epoch: control.tokenEpoch, issuedAt: clock.now() });
    tokens.set(refreshJwt, { kind: "refresh", epoch: control.tokenEpoch, issuedAt: clock.now() });
    return { accessJwt, refreshJwt, handle: BLUESKY_HANDLE, did: BLUESKY_DID, active: true };
  };

  /** Checks a bearer token of the given kind; answers with the PDS's error, or undefined when valid. */
  const authorize = (c: Context, kind: Token["kind"]): Response | undefined => {
    const raw = bearerToken(c);
    if (!raw) return c.json(xrpcError("AuthMissing", "Authentication Required"), 401);
    if (control.restricted) return c.json(xrpcError("AccountTakedown", "Account has been taken down"), 401);
    const token = tokens.get(raw);
    if (!token || token.kind !== kind) return c.json(xrpcError("InvalidToken", "Bad token scope"), 400);
    if (control.revoked) return c.json(xrpcError("ExpiredToken", "Token has been revoked"), 400);
    const ttl = control.setting("accessTtlSeconds", ACCESS_TTL_SECONDS) * 1000;
    const expired = kind === "access" && (token.epoch < control.tokenEpoch || clock.now() - token.issuedAt >= ttl);
    if (expired) return c.json(xrpcError("ExpiredToken", "Token has expired"), 400);
    return undefined;
  };

  app.post("/xrpc/com.atproto.server.createSession", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { identifier?: string; password?: string };
    if (control.restricted) return c.json(xrpcError("AccountTakedown", "Account has been taken down"), 401);
    const known = [BLUESKY_HANDLE, BLUESKY_DID, `${BLUESKY_HANDLE.split(".")[0]}@example.se`].includes(
      body.identifier ?? "",
    );
    if (!known || body.password !== BLUESKY_APP_PASSWORD || control.revoked) {
      return c.json(xrpcError("AuthenticationRequired", "Invalid identifier or password"), 401);
    }
    return c.json(issueSession());
  });

  app.post("/xrpc/com.atproto.server.refreshSession", (c) => {
    const refused = authorize(c, "refresh");
    if (refused) return refused;
    const token = bearerToken(c);
    if (token) tokens.delete(token); // refresh tokens rotate: each one works once
    return c.json(issueSession());
  });

  app.get("/xrpc/com.atproto.server.getSession", (c) => {
    const refused = authorize(c, "access");
    return refused ?? c.json({ handle: BLUESKY_HANDLE, did: BLUESKY_DID, active: true, emailConfirmed: true });
  });

  // Raw bytes in, a blob reference out; a record then embeds the reference.
  app.post("/xrpc/com.atproto.repo.uploadBlob", async (c) => {
    const refused = authorize(c, "access");
    if (refused) return refused;
    const upload = await readRawUpload(c);
    if (!upload.bytes.length) return c.json(xrpcError("InvalidRequest", "Request body is empty"), 400);
    const cid = `bafkreisbxblob${(store.media.length + 1).toString(16).padStart(12, "0")}`;
    const mimeType = upload.type || "application/octet-stream";
    store.addMedia({ id: cid, type: mimeType, size: upload.bytes.length });
    return c.json({ blob: { $type: "blob", ref: { $link: cid }, mimeType, size: upload.bytes.length } });
  });

  app.post("/xrpc/com.atproto.repo.createRecord", async (c) => {
    const refused = authorize(c, "access");
    if (refused) return refused;
    const body = (await c.req.json().catch(() => ({}))) as {
      repo?: string;
      collection?: string;
      rkey?: string;
      record?: PostRecord;
    };
    if (body.repo !== BLUESKY_DID && body.repo !== BLUESKY_HANDLE)
      return c.json(xrpcError("InvalidRequest", "Could not find repo"), 400);
    if (body.collection !== COLLECTION)
      return c.json(xrpcError("InvalidRequest", "The sandbox only stores posts"), 400);
    const record = body.record ?? {};
    const text = String(record.text ?? "");
    const bytes = UTF8.encode(text);
    const problem =
      validatePost(record, text, bytes, (uri, cid) =>
        uri === undefined ? cid === undefined : cids.get(uri) === cid,
      ) ?? validateEmbed(record.embed, (cid) => store.findMedia(cid));
    if (problem) return c.json(xrpcError("InvalidRequest", `Invalid app.bsky.feed.post record: ${problem}`), 400);
    if (body.rkey !== undefined && !isTid(body.rkey))
      return c.json(xrpcError("InvalidRequest", `Invalid record key for ${COLLECTION}: ${body.rkey}`), 400);
    // A key the repository holds already: the PDS's tree refuses it (an internal error, not a second post).
    if (body.rkey && store.findPost(`at://${BLUESKY_DID}/${COLLECTION}/${body.rkey}`))
      return c.json(xrpcError("InternalServerError", "Internal Server Error"), 500);
    const n = ++serial;
    const rkey = body.rkey ?? `3l${n.toString(32).padStart(11, "0")}`;
    const uri = `at://${BLUESKY_DID}/${COLLECTION}/${rkey}`;
    const cid = `bafyreisbx${n.toString(16).padStart(20, "0")}`;
    cids.set(uri, cid);
    const decoder = new TextDecoder();
    const links = (record.facets ?? []).map((f) => ({
      text: decoder.decode(bytes.slice(f.index.byteStart, f.index.byteEnd)),
      uri: f.features.find((x) => x.uri)?.uri,
    }));
    store.addPost({
      id: uri,
      text,
      url: `https://bsky.app/profile/${BLUESKY_HANDLE}/post/${rkey}`,
      replyTo: record.reply?.parent?.uri,
      data: { cid, record, links, rootUri: record.reply?.root?.uri, ...embeddedMedia(record.embed, store) },
    });
    return c.json({ uri, cid, commit: { cid: `bafyreicommit${n}`, rev: rkey }, validationStatus: "valid" });
  });

  app.get("/xrpc/com.atproto.repo.getRecord", (c) => {
    const uri = `at://${c.req.query("repo")}/${c.req.query("collection")}/${c.req.query("rkey")}`;
    // Another repo's record: the PDS asks the network for it, as for a reply of the public.
    const reply = store.findComment(uri);
    if (reply && !reply.deleted) return c.json({ uri, cid: reply.data?.cid, value: reply.data?.record });
    const post = store.findPost(uri.replace(BLUESKY_HANDLE, BLUESKY_DID));
    if (!post || post.deleted) return c.json(xrpcError("RecordNotFound", `Could not locate record: ${uri}`), 400);
    return c.json({ uri: post.id, cid: post.data.cid, value: post.data.record });
  });

  app.get("/xrpc/com.atproto.repo.listRecords", (c) => {
    const limit = Number(c.req.query("limit") ?? 50);
    const records = store
      .livePosts()
      .slice(-limit)
      .reverse()
      .map((p) => ({ uri: p.id, cid: p.data.cid, value: p.data.record }));
    return c.json({ records });
  });

  app.post("/xrpc/com.atproto.repo.deleteRecord", async (c) => {
    const refused = authorize(c, "access");
    if (refused) return refused;
    const body = (await c.req.json().catch(() => ({}))) as { repo?: string; collection?: string; rkey?: string };
    const post = store.findPost(`at://${BLUESKY_DID}/${body.collection}/${body.rkey}`);
    if (post) post.deleted = true;
    return c.json({ commit: { cid: "bafyreicommitdelete", rev: String(body.rkey) } });
  });

  // Replies, mentions and quotes of the account, newest first; the cursor pages to older ones.
  app.get("/xrpc/app.bsky.notification.listNotifications", (c) => {
    const refused = authorize(c, "access");
    if (refused) return refused;
    const limit = Math.min(Number(c.req.query("limit") ?? 50), 100);
    const before = c.req.query("cursor");
    const all = store.comments
      .filter((x) => !x.deleted)
      .slice()
      .reverse()
      .filter((x) => !before || String(x.createdAt) + x.id < before);
    const page = all.slice(0, limit);
    const last = page.at(-1);
    return c.json({
      notifications: page.map((x) => ({
        uri: x.id,
        cid: x.data?.cid,
        author: { did: x.data?.did, handle: x.author },
        reason: x.kind ?? "reply",
        reasonSubject: x.postId || undefined,
        record: x.data?.record,
        isRead: false,
        indexedAt: x.createdAt,
      })),
      cursor: all.length > limit && last ? String(last.createdAt) + last.id : undefined,
    });
  });

  return {
    platform: "bluesky",
    addPublicReply: (input) => {
      const kind = input.kind ?? "reply";
      const post = kind === "mention" ? undefined : store.replyTarget(input.postId);
      if (kind !== "mention" && !post) return { error: "no post of ours to reply to" };
      const handle = (input.author ?? `${DEFAULT_PUBLIC_AUTHOR}.bsky.social`).replace(/^@/, "");
      const did = `did:plc:sbx${handle
        .replace(/[^a-z0-9]/gi, "")
        .toLowerCase()
        .slice(0, 20)
        .padEnd(20, "0")}`;
      const n = ++serial;
      const rkey = `3m${n.toString(32).padStart(11, "0")}`;
      const uri = `at://${did}/${COLLECTION}/${rkey}`;
      const cid = `bafyreipub${n.toString(16).padStart(20, "0")}`;
      cids.set(uri, cid);
      const target = post ? { uri: post.id, cid: String(post.data.cid) } : undefined;
      const root = post?.data.rootUri
        ? { uri: String(post.data.rootUri), cid: String(cids.get(String(post.data.rootUri))) }
        : target;
      const text = kind === "mention" ? `@${BLUESKY_HANDLE} ${input.text}` : input.text;
      const record = {
        $type: COLLECTION,
        text,
        createdAt: new Date(clock.now()).toISOString(),
        ...(kind === "reply" && target ? { reply: { root, parent: target } } : {}),
        ...(kind === "quote" && target ? { embed: { $type: "app.bsky.embed.record", record: target } } : {}),
      };
      return store.addComment({
        id: uri,
        postId: post?.id ?? "",
        author: handle,
        kind,
        text,
        url: `https://bsky.app/profile/${handle}/post/${rkey}`,
        data: { cid, did, record },
      });
    },
    app,
    control,
    store,
    account: (baseUrl) => ({
      platform: "bluesky",
      handle: `@${BLUESKY_HANDLE}`,
      baseUrl,
      options: {},
      credential: { identifier: BLUESKY_HANDLE, appPassword: BLUESKY_APP_PASSWORD },
    }),
    reset: () => {
      store.clear();
      control.reset();
      tokens.clear();
      cids.clear();
      serial = 0;
    },
  };
}

function validatePost(
  record: PostRecord,
  text: string,
  bytes: Uint8Array,
  knownRef: (uri: string | undefined, cid: string | undefined) => boolean,
): string | undefined {
  if (record.$type !== COLLECTION) return "Record/$type must be app.bsky.feed.post";
  if (typeof record.createdAt !== "string" || Number.isNaN(Date.parse(record.createdAt)))
    return "Record/createdAt must be a valid datetime";
  let graphemes = 0;
  for (const _ of GRAPHEMES.segment(text)) graphemes++;
  if (graphemes > MAX_GRAPHEMES) return `Record/text must not be longer than ${MAX_GRAPHEMES} graphemes`;
  if (bytes.length > MAX_BYTES) return `Record/text must not be longer than ${MAX_BYTES} characters`;
  for (const facet of record.facets ?? []) {
    const { byteStart, byteEnd } = facet.index ?? {};
    if (
      !(
        Number.isInteger(byteStart) &&
        Number.isInteger(byteEnd) &&
        byteStart >= 0 &&
        byteStart < byteEnd &&
        byteEnd <= bytes.length
      )
    ) {
      return "Record/facets/index must address bytes inside the text";
    }
  }
  const reply = record.reply;
  if (reply && !(knownRef(reply.root?.uri, reply.root?.cid) && knownRef(reply.parent?.uri, reply.parent?.cid))) {
    return "Record/reply must reference existing posts by uri and cid";
  }
  return undefined;
}

interface BlobRef {
  $type?: string;
  ref?: { $link?: string };
  mimeType?: string;
  size?: number;
}

/** A record's embed as posted: checked field by field, so nothing is assumed about its shape. */
interface PostedEmbed {
  $type?: unknown;
  images?: unknown;
  external?: { uri?: unknown; title?: unknown; description?: unknown; thumb?: BlobRef };
}

/** app.bsky.embed.external (uri, title, description, optional thumb) or app.bsky.embed.images (1–4, each with alt). */
function validateEmbed(embed: PostedEmbed | undefined, findBlob: (cid: string) => SandboxMedia | undefined) {
  if (!embed) return undefined;
  const blobProblem = (blob: BlobRef | undefined, path: string) => {
    const stored = blob?.ref?.$link ? findBlob(blob.ref.$link) : undefined;
    if (!stored || blob?.$type !== "blob") return `${path} must be a blob returned by uploadBlob`;
    if (!stored.type.startsWith("image/")) return `${path} has mimeType ${stored.type}, not image/*`;
    if (stored.size > MAX_IMAGE_BLOB) return `${path} is larger than ${MAX_IMAGE_BLOB} bytes`;
    return undefined;
  };
  if (embed.$type === "app.bsky.embed.images") {
    const images = embed.images as { alt?: unknown; image?: BlobRef }[] | undefined;
    if (!Array.isArray(images) || images.length < 1 || images.length > 4)
      return "Record/embed/images must have 1 to 4 images";
    for (const [i, image] of images.entries()) {
      if (typeof image.alt !== "string") return `Record/embed/images/${i}/alt must be a string`;
      const problem = blobProblem(image.image, `Record/embed/images/${i}/image`);
      if (problem) return problem;
    }
    return undefined;
  }
  const external = embed.external;
  if (!(external?.uri && typeof external.title === "string" && typeof external.description === "string")) {
    return "Record/embed/external must have uri, title and description";
  }
  return external.thumb ? blobProblem(external.thumb, "Record/embed/external/thumb") : undefined;
}

/** The uploaded files a record embeds: images with the alt text the record gives each, and a link card's thumb. */
function embeddedMedia(embed: PostedEmbed | undefined, store: { findMedia(id: string): SandboxMedia | undefined }) {
  const images = (embed?.images ?? []) as { alt: string; image: BlobRef }[];
  const thumb = (embed?.external?.thumb as BlobRef | undefined)?.ref?.$link;
  return {
    media: images.map((i) => ({ ...store.findMedia(i.image.ref?.$link ?? ""), alt: i.alt })),
    thumb: thumb ? store.findMedia(thumb) : undefined,
  };
}
