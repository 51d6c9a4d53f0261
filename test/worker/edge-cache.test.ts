// The pieces of the Workers entry that need no workerd: the edge cache wrapper (over an in-memory
// store shaped like caches.default, and a local HTTP server standing in for Cloudflare's purge
// API), the queue consumer's ack/retry decision, the purge list and the cron names.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import { changedPublicPaths } from "../../src/routes/public/changed-paths";
import { HOURLY_CRON, SWEEP_CRON } from "../../src/workers/cron";
import {
  createEdgeCache,
  EDGE_HEADER,
  type EdgeCacheStore,
  isEdgeCacheable,
  isStorable,
} from "../../src/workers/edge-cache";
import { decideMessage } from "../../src/workers/queue";

const PUBLIC = "https://kris.exempel.se";
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  etag: '"7-0123456789abcdef"',
  "cache-control": "public, max-age=30, stale-while-revalidate=60",
};

function memoryStore() {
  const entries = new Map<string, { body: string; status: number; headers: [string, string][] }>();
  const store: EdgeCacheStore = {
    async match(key) {
      const e = entries.get(key);
      return e ? new Response(e.body, { status: e.status, headers: e.headers }) : undefined;
    },
    async put(key, response) {
      entries.set(key, { body: await response.text(), status: response.status, headers: [...response.headers] });
    },
    async delete(key) {
      return entries.delete(key);
    },
  };
  return { store, entries };
}

function edgeWith(store: EdgeCacheStore, zone?: { zoneId: string; apiToken: string; apiBase: string }) {
  const deferred: Promise<unknown>[] = [];
  const edge = createEdgeCache({
    store,
    publicUrl: PUBLIC,
    defer: (work) => deferred.push(work),
    fetch: (input, init) => fetch(input, init),
    zone,
    sleep: async () => {},
  });
  return { edge, settle: () => Promise.all(deferred.splice(0)) };
}

describe("edge cache", () => {
  test("only GET/HEAD of public paths without a query string or credentials are looked up", () => {
    const req = (path: string, init: RequestInit = {}) => new Request(`http://127.0.0.1:8787${path}`, init);
    expect(isEdgeCacheable(req("/"))).toBe(true);
    expect(isEdgeCacheable(req("/incidents/storm/feed.atom", { method: "HEAD" }))).toBe(true);
    expect(isEdgeCacheable(req("/channels"))).toBe(true);
    expect(isEdgeCacheable(req("/", { method: "POST" }))).toBe(false);
    expect(isEdgeCacheable(req("/?page=2"))).toBe(false);
    expect(isEdgeCacheable(req("/api/v1/incidents"))).toBe(false);
    expect(isEdgeCacheable(req("/staff"))).toBe(false);
    expect(isEdgeCacheable(req("/health"))).toBe(false);
    expect(isEdgeCacheable(req("/", { headers: { cookie: "_ga=GA1.2.3" } }))).toBe(true);
    expect(isEdgeCacheable(req("/staff/incidents", { headers: { cookie: "kk_session=x" } }))).toBe(false);
    expect(isEdgeCacheable(req("/", { headers: { authorization: "Bearer x" } }))).toBe(false);
  });

  test("only public, validated 200s without cookies are stored", () => {
    expect(isStorable(new Response("x", { headers: PAGE_HEADERS }))).toBe(true);
    expect(isStorable(new Response("x", { status: 404, headers: PAGE_HEADERS }))).toBe(false);
    expect(isStorable(new Response("x", { headers: { ...PAGE_HEADERS, "cache-control": "private, no-store" } }))).toBe(
      false,
    );
    expect(isStorable(new Response("x", { headers: { ...PAGE_HEADERS, "set-cookie": "a=b" } }))).toBe(false);
    const { etag: _etag, ...withoutEtag } = PAGE_HEADERS;
    expect(isStorable(new Response("x", { headers: withoutEtag }))).toBe(false);
  });

  test("a miss renders the full page once, later requests and revalidations come from the edge", async () => {
    const { store, entries } = memoryStore();
    const { edge, settle } = edgeWith(store);
    const seen: (string | null)[] = [];
    const handle = async (request: Request) => {
      seen.push(request.headers.get("if-none-match"));
      return new Response("<h1>Storm</h1>", { headers: PAGE_HEADERS });
    };
    const url = "http://127.0.0.1:8787/incidents/storm";
    const first = await edge.serve(new Request(url, { headers: { "if-none-match": '"6-old"' } }), handle);
    expect(first.status).toBe(200);
    expect(first.headers.get(EDGE_HEADER)).toBe("miss");
    expect(await first.text()).toBe("<h1>Storm</h1>");
    // The app never saw the conditional header: what is stored must be a full answer.
    expect(seen).toEqual([null]);
    await settle();
    expect([...entries.keys()]).toEqual([`${PUBLIC}/incidents/storm`]);

    const hit = await edge.serve(new Request(url), handle);
    expect(hit.headers.get(EDGE_HEADER)).toBe("hit");
    expect(hit.headers.get("etag")).toBe(PAGE_HEADERS.etag);
    expect(hit.headers.get("cache-control")).toBe(PAGE_HEADERS["cache-control"]);
    expect(await hit.text()).toBe("<h1>Storm</h1>");
    const revalidated = await edge.serve(new Request(url, { headers: { "if-none-match": PAGE_HEADERS.etag } }), handle);
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    const head = await edge.serve(new Request(url, { method: "HEAD" }), handle);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(seen).toHaveLength(1);
  });

  test("a purge forgets the paths here and asks Cloudflare to purge their public URLs everywhere", async () => {
    const calls: { url: string; auth?: string; body: { files: string[] } }[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        calls.push({ url: req.url ?? "", auth: req.headers.authorization, body: JSON.parse(body) });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ success: true }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
      const { store, entries } = memoryStore();
      const { edge, settle } = edgeWith(store, { zoneId: "zone123", apiToken: "purge-token", apiBase });
      for (const path of ["/", "/incidents/storm", "/channels"]) {
        await store.put(`${PUBLIC}${path}`, new Response("old", { headers: PAGE_HEADERS }));
      }
      const paths = changedPublicPaths(
        "storm",
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      await edge.purge([...paths, "/"]);
      expect([...entries.keys()]).toEqual([`${PUBLIC}/channels`]);
      // At most 30 URLs a request; every changed path exactly once.
      const requests = Math.ceil(paths.length / 30);
      expect(calls).toHaveLength(requests);
      expect(calls.every((c) => c.body.files.length <= 30)).toBe(true);
      expect(calls.flatMap((c) => c.body.files).sort()).toEqual(paths.map((p) => PUBLIC + p).sort());
      expect(calls[0].url).toBe("/client/v4/zones/zone123/purge_cache");
      expect(calls[0].auth).toBe("Bearer purge-token");
      // The second purge catches a render that raced the commit.
      await settle();
      expect(calls).toHaveLength(2 * requests);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("what a publish makes stale", () => {
  test("home, site feeds, the incident page, its feeds and the named permalinks", () => {
    expect(changedPublicPaths("storm-2026-11-22", [3])).toEqual([
      "/",
      "/feed.atom",
      "/feed.rss",
      "/feed.json",
      "/cap.atom",
      "/embed",
      "/embed.json",
      "/incidents/storm-2026-11-22",
      "/incidents/storm-2026-11-22/feed.atom",
      "/incidents/storm-2026-11-22/feed.rss",
      "/incidents/storm-2026-11-22/feed.json",
      "/incidents/storm-2026-11-22/cap-closed.xml",
      "/incidents/storm-2026-11-22/updates/3",
      "/incidents/storm-2026-11-22/updates/3/cap.xml",
      "/incidents/storm-2026-11-22/updates/3/cap-cancel.xml",
    ]);
  });
});

describe("queue messages", () => {
  const now = new Date("2026-11-22T10:00:00Z");
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  test("a finished delivery (or an unknown id) is acknowledged", () => {
    for (const status of ["published", "failed", "skipped", "cancelled"]) {
      expect(decideMessage({ status, nextAttemptAt: at(-5), leaseUntil: null }, now)).toEqual({ ack: true });
    }
    expect(decideMessage(undefined, now)).toEqual({ ack: true });
  });

  test("a scheduled retry goes back to the queue for exactly the dispatcher's delay", () => {
    expect(decideMessage({ status: "pending", nextAttemptAt: at(7.2), leaseUntil: null }, now)).toEqual({
      ack: false,
      delaySeconds: 8,
    });
    // The queue takes at most 12 hours; the sweep covers anything later.
    expect(decideMessage({ status: "pending", nextAttemptAt: at(86_400), leaseUntil: null }, now)).toEqual({
      ack: false,
      delaySeconds: 43_200,
    });
  });

  test("a row held by another dispatcher is looked at again after its lease", () => {
    expect(decideMessage({ status: "sending", nextAttemptAt: at(-1), leaseUntil: at(300) }, now)).toEqual({
      ack: false,
      delaySeconds: 301,
    });
  });

  test("a due row that could not be claimed is tried again shortly", () => {
    const decision = decideMessage({ status: "pending", nextAttemptAt: at(-1), leaseUntil: null }, now);
    expect(decision.ack).toBe(false);
  });
});

describe("cron triggers", () => {
  test("the handler's cron names are the ones wrangler.toml schedules", () => {
    const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
    const crons = /^crons\s*=\s*\[(.*)\]/m.exec(toml)?.[1] ?? "";
    expect(crons.split(",").map((c) => c.trim().replace(/^"|"$/g, ""))).toEqual([SWEEP_CRON, HOURLY_CRON]);
  });
});
