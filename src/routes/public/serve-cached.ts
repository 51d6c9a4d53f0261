// Serves a public resource rendered once per change: kept as bytes, compressed once (br, gzip)
// when the runtime offers a compressor, a strong ETag per encoding, 304 on If-None-Match, and
// the Cache-Control that lets browsers and CDNs absorb a crisis traffic spike (RFC 5861).
// When the database does not answer, the last rendering in memory is served as it was: that is
// what stale-if-error promises, and a crisis is when the database is likeliest to be in trouble.
import type { Context } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { sha256Hex } from "../../domain/accounts/secrets";
import { readPublicRevision } from "../../domain/publishing/organisation";
import { type ContentEncoding, chooseEncoding, ETAG_SUFFIX, MIN_COMPRESSIBLE_BYTES } from "../../render/compressor";
import { publicContentSecurityPolicy } from "../../render/content-security-policy";
import type { CachedResponse, PreparedAnswer } from "../../render/public-cache";

export const PUBLIC_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=60, stale-if-error=86400";
/** A stale copy is asked about again soon, so caches pick up the fresh page once the database is back. */
const STALE_CACHE_CONTROL = "public, max-age=5, stale-if-error=86400";
/** How long a request waits for the database before it serves the copy it has (a hung connection). */
export const PUBLIC_READ_DEADLINE_MS = 2_000;

const HTML = "text/html; charset=utf-8";
const encoder = new TextEncoder();

export interface Rendered {
  status: 200 | 404 | 410;
  body: string;
}

export interface ServeOptions {
  /** A query that changes the rendering (e.g. the order of updates), kept apart in the cache. */
  variant?: string;
  /**
   * The route answers with serveCached's response as it is, and nothing but the app's global
   * middleware stands before it: a later request for the same path may then be answered before
   * routing (before-routing.ts). Leave it out where the route changes the response (feeds, embed).
   */
  asIs?: boolean;
}

export async function serveCached(
  c: Context<AppEnv>,
  contentType: string,
  produce: () => Promise<Rendered>,
  options: ServeOptions = {},
): Promise<Response> {
  const { deps } = c.env;
  const key = options.variant ? `${c.req.path}?${options.variant}` : c.req.path;
  // The spike's path: the revision was read moments ago and this page is rendered for it, so
  // answer from memory without a promise, a timer or a database round trip.
  const nowMs = deps.now().getTime();
  const ready = readyRendering(deps, key, nowMs);
  if (ready) {
    refreshRevisionIfDue(deps, nowMs);
    return respondFromCache(deps, ready, false, c.req.raw);
  }
  const last = deps.publicCache.last(key);
  let hit: CachedResponse;
  let stale = false;
  try {
    const fresh = freshRendering(deps, key, contentType, produce, options.asIs === true);
    hit = last ? await withinDeadline(fresh, PUBLIC_READ_DEADLINE_MS) : await fresh;
  } catch (error) {
    // Nothing in memory: the app's error handler answers (an HTML 503 when the database is down).
    if (!last) throw error;
    deps.log.warn("serving the last rendering of a public page", { path: key, error: String(error) });
    hit = last;
    stale = true;
  }
  return respondFromCache(deps, hit, stale, c.req.raw);
}

/** The rendering under `key` for the revision read moments ago, if there is one. */
export function readyRendering(deps: Deps, key: string, nowMs: number): CachedResponse | undefined {
  const known = deps.publicCache.knownRevision(nowMs);
  return known === undefined ? undefined : deps.publicCache.get(key, known);
}

/** Serving a ready rendering reads the revision again in the background when it is due; nothing waits. */
export function refreshRevisionIfDue(deps: Deps, nowMs: number): void {
  if (deps.publicCache.revisionDue(nowMs)) refreshRevision(deps);
}

/**
 * An HTML page that is its route's whole answer (serveCached's `asIs`): once rendered, the same
 * path may be answered before routing.
 */
export function servePage(c: Context<AppEnv>, produce: () => Promise<Rendered>, variant?: string): Promise<Response> {
  return serveCached(c, HTML, produce, { variant, asIs: true });
}

/** Writes a kept rendering: the bytes for the request's Accept-Encoding, or 304 for its ETag. */
export function respondFromCache(
  deps: Deps,
  hit: CachedResponse,
  stale: boolean,
  request: Pick<Request, "method" | "headers">,
): Response {
  const offered = deps.compressor?.encodings ?? [];
  const chosen = chooseEncoding(request.headers.get("accept-encoding") ?? undefined, offered);
  const compressed = chosen ? hit.encoded[chosen] : undefined;
  const encoding = compressed ? chosen : undefined;
  // Every answer varies by Accept-Encoding once there is a compressor, the plain one included:
  // a shared cache must not hand the plain bytes' entry to a client that asked for brotli.
  const vary = offered.length > 0;
  const { etag, headers } = stale ? prepareAnswer(hit, encoding, vary, true) : preparedAnswer(hit, encoding, vary);
  if (hit.status === 200 && matchesEtag(request.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(request.method === "HEAD" ? null : (compressed ?? hit.body), { status: hit.status, headers });
}

/**
 * The ETag and headers of a fresh answer, built once per rendering and encoding: every request
 * for the page then hands the same frozen object to the Response (which copies or only reads it).
 */
function preparedAnswer(hit: CachedResponse, encoding: ContentEncoding | undefined, vary: boolean): PreparedAnswer {
  hit.answers ??= {};
  const slot = encoding ?? "identity";
  let answer = hit.answers[slot];
  if (answer?.vary !== vary) {
    answer = prepareAnswer(hit, encoding, vary, false);
    hit.answers[slot] = answer;
  }
  return answer;
}

function prepareAnswer(
  hit: CachedResponse,
  encoding: ContentEncoding | undefined,
  vary: boolean,
  stale: boolean,
): PreparedAnswer {
  const etag = encoding ? withSuffix(hit.etag, ETAG_SUFFIX[encoding]) : hit.etag;
  const headers: Record<string, string> = {
    "content-type": hit.contentType,
    etag,
    "cache-control": hit.status !== 200 ? "public, max-age=10" : stale ? STALE_CACHE_CONTROL : PUBLIC_CACHE_CONTROL,
    "x-content-type-options": "nosniff",
  };
  if (hit.contentSecurityPolicy) headers["content-security-policy"] = hit.contentSecurityPolicy;
  if (vary) headers.vary = "Accept-Encoding";
  if (encoding) headers["content-encoding"] = encoding;
  return { vary, etag, headers: Object.freeze(headers) };
}

/** `"12-abc"` with `-br` is `"12-abc-br"`: still one strong validator, distinct per encoding. */
function withSuffix(etag: string, suffix: string): string {
  return `${etag.slice(0, -1)}${suffix}"`;
}

async function freshRendering(
  deps: Deps,
  key: string,
  contentType: string,
  produce: () => Promise<Rendered>,
  asIs: boolean,
): Promise<CachedResponse> {
  const revision = await currentRevision(deps);
  const cached = deps.publicCache.get(key, revision);
  if (cached) return cached;
  // Requests arriving while this page is rendered wait for that rendering instead of repeating it.
  const flightKey = `${revision} ${key}`;
  const rendering = renderingsOf(deps.publicCache);
  const inFlight = rendering.get(flightKey);
  if (inFlight) return inFlight;
  const work = renderOnce(deps, revision, contentType, produce, asIs).then((hit) => {
    deps.publicCache.set(key, hit);
    return hit;
  });
  rendering.set(flightKey, work);
  try {
    return await work;
  } finally {
    rendering.delete(flightKey);
  }
}

/** Renderings under way, per cache (one per app instance), keyed by revision and path. */
const renderings = new WeakMap<object, Map<string, Promise<CachedResponse>>>();

function renderingsOf(cache: object): Map<string, Promise<CachedResponse>> {
  let map = renderings.get(cache);
  if (!map) {
    map = new Map();
    renderings.set(cache, map);
  }
  return map;
}

async function renderOnce(
  deps: Deps,
  revision: number,
  contentType: string,
  produce: () => Promise<Rendered>,
  asIs: boolean,
): Promise<CachedResponse> {
  const rendered = await produce();
  const body = encoder.encode(rendered.body);
  const digest = (await sha256Hex(body)).slice(0, 16);
  const hit: CachedResponse = {
    revision,
    etag: `"${revision}-${digest}"`,
    body,
    encoded: await compressAll(deps, body),
    contentType,
    status: rendered.status,
    asIs,
  };
  if (contentType.startsWith("text/html")) hit.contentSecurityPolicy = await publicContentSecurityPolicy(rendered.body);
  return hit;
}

async function compressAll(deps: Deps, body: Uint8Array): Promise<CachedResponse["encoded"]> {
  const compressor = deps.compressor;
  const encoded: CachedResponse["encoded"] = {};
  if (!compressor || body.byteLength < MIN_COMPRESSIBLE_BYTES) return encoded;
  const results = await Promise.all(
    compressor.encodings.map(async (encoding): Promise<[ContentEncoding, Uint8Array<ArrayBuffer>]> => {
      return [encoding, await compressor.compress(body, encoding)];
    }),
  );
  // A compressed copy that is not smaller is not worth the client's work to undo it.
  for (const [encoding, bytes] of results) if (bytes.byteLength < body.byteLength) encoded[encoding] = bytes;
  return encoded;
}

/** Rejects after `ms` if `work` has not settled; the work goes on and still fills the cache. */
function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/** The public revision, from memory when it was read moments ago (see REVISION_MAX_AGE_MS). */
async function currentRevision(deps: Pick<Deps, "db" | "now" | "publicCache">): Promise<number> {
  const known = deps.publicCache.knownRevision(deps.now().getTime());
  return known ?? readRevisionOnce(deps);
}

/**
 * Reads in flight, per cache: requests arriving meanwhile share one database round trip. Only
 * a read started after this process's last change is shared, so a page asked for right after a
 * publish never gets the revision from before it.
 */
const revisionReads = new WeakMap<object, { epoch: number; read: Promise<number> }>();

function readRevisionOnce(deps: Pick<Deps, "db" | "now" | "publicCache">): Promise<number> {
  const cache = deps.publicCache;
  const epoch = cache.revisionEpoch();
  const pending = revisionReads.get(cache);
  if (pending?.epoch === epoch) return pending.read;
  const startedMs = deps.now().getTime();
  const read = readPublicRevision(deps.db)
    .then((revision) => {
      // Dated from when the read started: what it returns may be that old, not younger.
      cache.rememberRevision(revision, startedMs, epoch);
      return revision;
    })
    .finally(() => {
      if (revisionReads.get(cache)?.read === read) revisionReads.delete(cache);
    });
  revisionReads.set(cache, { epoch, read });
  return read;
}

/**
 * Refreshes the revision without anyone waiting; a failure leaves it to expire (then the outage
 * path answers). Deferred, so on Workers the invocation keeps its database client until it is done.
 */
function refreshRevision(deps: Deps): void {
  deps.defer(
    readRevisionOnce(deps).catch((error) =>
      deps.log.warn("the public revision could not be read", { error: String(error) }),
    ),
  );
}
