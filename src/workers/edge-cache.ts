// Workers only: public pages and feeds served from Cloudflare's edge cache, so a crisis traffic
// spike never reaches the database. createApp() stays runtime-free: worker.ts puts this in front
// of app.fetch for GET/HEAD of public pages, and what is stored is exactly what the app
// answered (same ETag, same Cache-Control as on Node). A publish purges the paths it changed.

/** The slice of the Workers Cache API used here (caches.default). */
export interface EdgeCacheStore {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** Cloudflare's purge API, for every data centre; cache.delete clears only the one it runs in. */
export interface ZonePurge {
  zoneId: string;
  apiToken: string;
  /** Cloudflare's API base; tests point it at a local server. */
  apiBase?: string;
}

export const EDGE_HEADER = "x-kriskanal-edge";
const CLOUDFLARE_API = "https://api.cloudflare.com/client/v4";
/** Cloudflare accepts this many URLs per purge request. */
const PURGE_BATCH = 30;
/** A render racing the commit can store the old page just after the first purge. */
const SECOND_PURGE_DELAY_MS = 3000;
const NOT_EDGE_CACHED = /^\/(api|staff|health|cdn-cgi|_)(\/|$)/;

export interface EdgeCache {
  /** Serves a public GET/HEAD from the edge, or through `handle` when absent, storing the answer. */
  serve(request: Request, handle: (request: Request) => Promise<Response>): Promise<Response>;
  /** Forgets the given paths here and, with a zone configured, in every data centre. */
  purge(paths: string[]): Promise<void>;
}

export interface EdgeCacheOptions {
  store: EdgeCacheStore;
  /** KRISKANAL_PUBLIC_URL: cache keys are public URLs, so Cloudflare's purge-by-URL finds them. */
  publicUrl: string;
  defer(work: Promise<unknown>): void;
  fetch: typeof fetch;
  zone?: ZonePurge;
  log?: (message: string, data: Record<string, unknown>) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * GET/HEAD of public paths without a query string. Cookies do not matter: public pages never read
 * them (staff pages live under /staff), and a municipality's own site cookies on the same domain
 * must not turn a traffic spike away from the edge.
 */
export function isEdgeCacheable(request: Request): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  if (request.headers.has("authorization")) return false;
  const url = new URL(request.url);
  return url.search === "" && !NOT_EDGE_CACHED.test(url.pathname);
}

/** A response may be shared only if the app marked it public, validated it, and set no cookie. */
export function isStorable(response: Response): boolean {
  const cacheControl = response.headers.get("cache-control") ?? "";
  return (
    response.status === 200 &&
    /(^|,)\s*public\b/.test(cacheControl) &&
    !/no-store|private/.test(cacheControl) &&
    response.headers.has("etag") &&
    !response.headers.has("set-cookie")
  );
}

export function matchesEtag(header: string | null, etag: string | null): boolean {
  if (!header || !etag) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

export function createEdgeCache(options: EdgeCacheOptions): EdgeCache {
  const base = options.publicUrl.replace(/\/+$/, "");
  const keyOf = (path: string) => base + path;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function deleteHere(paths: string[]) {
    await Promise.all(paths.map((path) => options.store.delete(keyOf(path))));
  }

  async function purgeZone(zone: ZonePurge, paths: string[]) {
    for (let i = 0; i < paths.length; i += PURGE_BATCH) {
      const files = paths.slice(i, i + PURGE_BATCH).map(keyOf);
      const res = await options.fetch(`${zone.apiBase ?? CLOUDFLARE_API}/zones/${zone.zoneId}/purge_cache`, {
        method: "POST",
        headers: { authorization: `Bearer ${zone.apiToken}`, "content-type": "application/json" },
        body: JSON.stringify({ files }),
      });
      if (!res.ok) options.log?.("edge purge refused", { status: res.status, files: files.length });
    }
  }

  return {
    async serve(request, handle) {
      const path = new URL(request.url).pathname;
      const key = keyOf(path);
      const conditional = request.headers.get("if-none-match");
      const cached = await options.store.match(key);
      if (cached) return answer(cached, request.method, conditional, "hit");
      // Always render the full body (never a 304) so that what is stored can answer anyone.
      const headers = new Headers(request.headers);
      headers.delete("if-none-match");
      const response = await handle(new Request(request.url, { method: "GET", headers }));
      if (!isStorable(response)) return response;
      options.defer(options.store.put(key, response.clone()));
      return answer(response, request.method, conditional, "miss");
    },
    async purge(paths) {
      const unique = [...new Set(paths)];
      if (!unique.length) return;
      const purgeOnce = async () => {
        await deleteHere(unique);
        if (options.zone) await purgeZone(options.zone, unique);
      };
      await purgeOnce();
      options.defer(sleep(SECOND_PURGE_DELAY_MS).then(purgeOnce));
    },
  };
}

function answer(response: Response, method: string, conditional: string | null, edge: "hit" | "miss"): Response {
  const headers = new Headers(response.headers);
  headers.set(EDGE_HEADER, edge);
  if (matchesEtag(conditional, response.headers.get("etag"))) {
    headers.delete("content-length");
    return new Response(null, { status: 304, headers });
  }
  return new Response(method === "HEAD" ? null : response.body, { status: response.status, headers });
}
