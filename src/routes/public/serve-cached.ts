// Serves a public resource rendered once per change: strong ETag, 304 on If-None-Match, and
// the Cache-Control that lets browsers and CDNs absorb a crisis traffic spike (RFC 5861).
// When the database does not answer, the last rendering in memory is served as it was: that is
// what stale-if-error promises, and a crisis is when the database is likeliest to be in trouble.
import type { Context } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { sha256Hex } from "../../domain/accounts/secrets";
import { readPublicRevision } from "../../domain/publishing/organisation";
import { publicContentSecurityPolicy } from "../../render/content-security-policy";
import type { CachedResponse } from "../../render/public-cache";

export const PUBLIC_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=60, stale-if-error=86400";
/** A stale copy is asked about again soon, so caches pick up the fresh page once the database is back. */
const STALE_CACHE_CONTROL = "public, max-age=5, stale-if-error=86400";
/** How long a request waits for the database before it serves the copy it has (a hung connection). */
export const PUBLIC_READ_DEADLINE_MS = 2_000;

export interface Rendered {
  status: 200 | 404 | 410;
  body: string;
}

export async function serveCached(
  c: Context<AppEnv>,
  contentType: string,
  produce: () => Promise<Rendered>,
  /** A query that changes the rendering (e.g. the order of updates), kept apart in the cache. */
  variant?: string,
): Promise<Response> {
  const { deps } = c.env;
  const key = variant ? `${c.req.path}?${variant}` : c.req.path;
  const last = deps.publicCache.last(key);
  let hit: CachedResponse;
  let stale = false;
  try {
    const fresh = freshRendering(deps, key, contentType, produce);
    hit = last ? await withinDeadline(fresh, PUBLIC_READ_DEADLINE_MS) : await fresh;
  } catch (error) {
    // Nothing in memory: the app's error handler answers (an HTML 503 when the database is down).
    if (!last) throw error;
    deps.log.warn("serving the last rendering of a public page", { path: key, error: String(error) });
    hit = last;
    stale = true;
  }
  const headers: Record<string, string> = {
    "content-type": hit.contentType,
    etag: hit.etag,
    "cache-control": hit.status !== 200 ? "public, max-age=10" : stale ? STALE_CACHE_CONTROL : PUBLIC_CACHE_CONTROL,
    "x-content-type-options": "nosniff",
  };
  if (hit.contentSecurityPolicy) headers["content-security-policy"] = hit.contentSecurityPolicy;
  if (hit.status === 200 && matchesEtag(c.req.header("if-none-match"), hit.etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(c.req.method === "HEAD" ? null : hit.body, { status: hit.status, headers });
}

async function freshRendering(
  deps: Deps,
  key: string,
  contentType: string,
  produce: () => Promise<Rendered>,
): Promise<CachedResponse> {
  const revision = await currentRevision(deps);
  const cached = deps.publicCache.get(key, revision);
  if (cached) return cached;
  const rendered = await produce();
  const digest = (await sha256Hex(rendered.body)).slice(0, 16);
  const hit: CachedResponse = {
    revision,
    etag: `"${revision}-${digest}"`,
    body: rendered.body,
    contentType,
    status: rendered.status,
  };
  if (contentType.startsWith("text/html")) hit.contentSecurityPolicy = await publicContentSecurityPolicy(rendered.body);
  deps.publicCache.set(key, hit);
  return hit;
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

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/** The public revision, from memory when it was read moments ago (see REVISION_MAX_AGE_MS). */
async function currentRevision(deps: Pick<Deps, "db" | "now" | "publicCache">): Promise<number> {
  const nowMs = deps.now().getTime();
  const known = deps.publicCache.knownRevision(nowMs);
  if (known !== undefined) return known;
  const epoch = deps.publicCache.revisionEpoch();
  const revision = await readPublicRevision(deps.db);
  deps.publicCache.rememberRevision(revision, nowMs, epoch);
  return revision;
}
