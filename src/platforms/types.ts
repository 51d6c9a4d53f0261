// The contract every platform adapter fulfils. Adapters do no database work: the dispatcher
// hands them what they need and records what they return.

export const PLATFORMS = [
  "facebook",
  "instagram",
  "x",
  "linkedin",
  "mastodon",
  "bluesky",
  "threads",
  "telegram",
] as const;
export type Platform = (typeof PLATFORMS)[number];

export type FailureClass = "retry" | "auth" | "rights" | "invalid" | "unconfirmed";

/** What Kriskanal wants to say, before any platform has shaped it. */
export interface PostContent {
  /** The update text as published on the website. */
  body: string;
  /** Permalink of the update on the website; every post must carry it. */
  link: string;
  /** Incident title, used for link cards and headlines. */
  title: string;
  kind: "update" | "correction" | "all_clear";
  /** Per-platform variant text chosen by the communicator; wins over shortening `body`. */
  variant?: string;
  /** e.g. "Anna Andersson, kommunikatör, Exempelkommun"; appended when room allows. */
  signature?: string;
  /** The update's image with its alt text (for Instagram without one: the crisis card). */
  image?: PostImage;
  /**
   * The crisis card for link previews (og.png). Platforms that scrape the link's Open Graph tags
   * find it themselves; Bluesky's client-built link card needs it uploaded as its thumb.
   */
  linkCard?: { url: string };
  /** BCP 47 tag of `body`; Swedish when absent. Platforms that label a post's language use it. */
  language?: string;
}

/**
 * An image to send. `bytes` (and `type`) are handed in by the dispatcher for images uploaded to
 * the hub, so an adapter that must upload the file never needs the hub to be reachable; without
 * them the adapter fetches `url`. Platforms that take a URL (Meta, Telegram) fetch it themselves.
 */
export interface PostImage {
  url: string;
  alt: string;
  bytes?: Uint8Array;
  type?: string;
}

/** The account as the adapter sees it: public settings only, never the credential. */
export interface AccountTarget {
  id: string;
  platform: Platform;
  handle: string;
  /** API base URL (a Mastodon instance, a Bluesky PDS, or a sandbox server). */
  baseUrl: string;
  /** Platform ids: pageId, igUserId, organizationUrn, chatId, threadsUserId ... */
  options: Record<string, string>;
}

/** Decrypted credential. Lives only in memory for the duration of one call. */
export type Credential = Record<string, string>;

export interface ComposeLimits {
  /** Overrides the platform default, e.g. a Mastodon instance's max_characters. */
  maxChars?: number;
  charsPerUrl?: number;
}

export interface Composed {
  /** The exact text that will be sent. */
  text: string;
  /** Length as the platform counts it (weighted for X, graphemes for Bluesky...). */
  length: number;
  limit: number;
  fits: boolean;
  /** True when the body was shortened to fit. */
  shortened: boolean;
  /** Set when this platform cannot take this post at all (Instagram without an image). */
  skipReason?: string;
  /** The request body the adapter will send (facets, embed card, link field ...). */
  payload: Record<string, unknown>;
  /**
   * The image that goes along, and its alt text as the platform receives it (null where the
   * platform has no alt text). Kept out of `payload` because it may carry the file's bytes.
   */
  image?: PostImage & { altSent: boolean };
  /** The crisis card to upload as a link card's thumb (Bluesky). */
  linkCard?: { url: string };
}

export type PublishResult = { ok: true; remoteId: string; remoteUrl: string } | FailureResult;

export interface FailureResult {
  ok: false;
  class: FailureClass;
  message: string;
  /** Seconds to wait before trying again, when the platform said so. */
  retryAfterSeconds?: number;
}

export type Send = (url: string, init?: SendInit) => Promise<Response>;
export interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** multipart/form-data: strings, and files as bytes with their type and name. */
  multipart?: Record<string, string | MultipartFile>;
  /** Raw bytes (an upload) or text; set content-type in headers. */
  body?: string | Uint8Array;
  timeoutMs?: number;
}

export interface MultipartFile {
  bytes: Uint8Array;
  type: string;
  filename: string;
}

export interface AdapterContext {
  account: AccountTarget;
  credential: Credential;
  /** Wraps the injected fetch with a timeout; see http.ts. */
  send: Send;
  /** The hub's clock (deps.now), so adapters never read the wall clock themselves. */
  now(): Date;
}

export interface PublishRequest {
  composed: Composed;
  /** Stable per delivery; used as Idempotency-Key where the platform supports one. */
  idempotencyKey: string;
  /**
   * When the delivery was made. With the key it names the post before it exists, where the
   * client may choose the post's key (a Bluesky record key), so a resend cannot post twice.
   */
  enqueuedAt?: Date;
  /** Remote id of the first post of this incident on this account, to reply in a thread. */
  replyTo?: string;
}

/**
 * What a look for the hub's own post found. "unknown" means the platform could not be asked
 * (network error, 5xx, 429, refused token), which says nothing about whether the post is there.
 */
export type LookupResult =
  | { state: "found"; remoteId: string; remoteUrl: string }
  /**
   * Not there. `complete` when the answer held every post the account made since the `since` the
   * lookup was given (the platform filtered by time and the page was not full), so a post of the
   * attempt in doubt would have been in it.
   */
  | { state: "absent"; complete?: boolean }
  /** `retryAfterSeconds`: the platform's own word on when to ask again (a 429's Retry-After or reset). */
  | { state: "unknown"; reason: string; retryAfterSeconds?: number };

export type RightsResult = { ok: true; detail: string } | { ok: false; class: FailureClass; detail: string };

export interface PlatformAdapter {
  platform: Platform;
  /** Default API base when an account has none. */
  defaultBaseUrl: string;
  /** Option keys the account must have (e.g. ["pageId"]) and credential keys. */
  requiredOptions: readonly string[];
  credentialFields: readonly string[];
  /** What the platform calls a handle, checked at registration so a typo is caught before the first crisis. */
  handleFormat: { pattern: RegExp; example: string };
  /** Names people know from the platform's own docs, mapped to a credential field. */
  credentialAliases?: Readonly<Record<string, string>>;
  compose(content: PostContent, limits?: ComposeLimits): Composed;
  /** Reads limits from the platform where it publishes them (Mastodon /api/v2/instance). */
  fetchLimits?(ctx: AdapterContext): Promise<ComposeLimits>;
  publish(ctx: AdapterContext, request: PublishRequest): Promise<PublishResult>;
  checkRights(ctx: AdapterContext): Promise<RightsResult>;
  edit?(ctx: AdapterContext, remoteId: string, composed: Composed): Promise<PublishResult>;
  retract?(ctx: AdapterContext, remoteId: string): Promise<PublishResult>;
  /** Looks among recent posts for one carrying `link`, to settle an unconfirmed publish. */
  findByLink?(ctx: AdapterContext, link: string, since?: Date): Promise<LookupResult>;
  /** Hides or deletes a third-party comment (moderation), where the API allows it. */
  removeComment?(ctx: AdapterContext, commentId: string): Promise<PublishResult>;
  /** Seconds between looks for replies, where the platform's read limits ask for more than the hub's minute. */
  inboxPollSeconds?: number;
  /** The public's replies, comments and mentions since `cursor` (the shared inbox); incremental. */
  collectReplies?(ctx: AdapterContext, request: CollectRequest): Promise<CollectResult>;
  /** Answers one collected reply in its thread on the platform. */
  answerReply?(ctx: AdapterContext, request: AnswerRequest): Promise<PublishResult>;
}

/** Our own post on the account, whose replies are read where the platform lists them per post. */
export interface OwnPost {
  remoteId: string;
  remoteUrl?: string | null;
}

export interface CollectRequest {
  /** The platform's own bookmark from the last collection (since_id, indexedAt ...); absent the first time. */
  cursor?: string;
  /** Recent posts of ours on this account, newest first. */
  ownPosts: OwnPost[];
}

export type CollectedKind = "reply" | "mention" | "quote" | "comment" | "message";

export interface CollectedReply {
  /** The platform's id of the reply itself (a status id, an at:// uri, a comment id ...). */
  remoteId: string;
  /** The remote id of the post it answers, when the platform says so. */
  inReplyTo?: string;
  kind: CollectedKind;
  authorHandle: string;
  text: string;
  /** ISO 8601 as the platform dates it. */
  postedAt: string;
  url?: string;
}

export type CollectResult = { ok: true; items: CollectedReply[]; cursor?: string } | FailureResult;

export interface AnswerRequest {
  /** The reply being answered. */
  replyId: string;
  /** The post of ours it answered, where the platform threads through it. */
  postId?: string;
  /** Whom it answers, where the platform needs a mention to tell them (Mastodon). */
  authorHandle?: string;
  text: string;
  /** Stable per answer: Idempotency-Key where the platform has one. */
  idempotencyKey: string;
}

/**
 * The ISO 639 code platforms label posts with (Mastodon, Bluesky): the primary subtag of the
 * post's language, so easy-to-read Swedish ("sv-x-lattlast") is labelled Swedish.
 */
export function primaryLanguage(language: string | undefined): string {
  return (language ?? "sv").split("-")[0]?.toLowerCase() || "sv";
}
