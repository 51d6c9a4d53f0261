// Serves a public resource rendered once per change: strong ETag, 304 on If-None-Match, and
// the Cache-Control that lets browsers and CDNs absorb a crisis traffic spike (RFC 5861).
import type { Context } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { readPublicRevision } from "../../domain/organisation";
import { sha256Hex } from "../../domain/secrets";
import { publicContentSecurityPolicy } from "../../render/content-security-policy";

export const PUBLIC_CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=60, stale-if-error=86400";

export interface Rendered {
  status: 200 | 404 | 410;
  body: string;
}

export async function serveCached(
  c: Context<AppEnv>,
  contentType: string,
  produce: () => Promise<Rendered>,
): Promise<Response> {
  const { deps } = c.env;
  const revision = await currentRevision(deps);
  const key = `${c.req.path}`;
  let hit = deps.publicCache.get(key, revision);
  if (!hit) {
    const rendered = await produce();
    const digest = (await sha256Hex(rendered.body)).slice(0, 16);
    hit = { revision, etag: `"${revision}-${digest}"`, body: rendered.body, contentType, status: rendered.status };
    if (contentType.startsWith("text/html")) {
      hit.contentSecurityPolicy = await publicContentSecurityPolicy(rendered.body);
    }
    deps.publicCache.set(key, hit);
  }
  const headers: Record<string, string> = {
    "content-type": hit.contentType,
    etag: hit.etag,
    "cache-control": hit.status === 200 ? PUBLIC_CACHE_CONTROL : "public, max-age=10",
    "x-content-type-options": "nosniff",
  };
  if (hit.contentSecurityPolicy) headers["content-security-policy"] = hit.contentSecurityPolicy;
  if (hit.status === 200 && matchesEtag(c.req.header("if-none-match"), hit.etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(c.req.method === "HEAD" ? null : hit.body, { status: hit.status, headers });
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
