// A public page already rendered for the current revision is answered before routing
// (src/routes/public/before-routing.ts). It must answer exactly as the routes do, count against
// the same public rate limit, leave malformed input to the routes that refuse it, and give way
// to a fresh rendering as soon as the incident changes.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { AppEnv } from "../../src/deps";
import { answerBeforeRouting } from "../../src/routes/public/before-routing";
import { createRequestRate } from "../../src/routes/rate-limit";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

let hub: TestHub;
let incident: { id: string; slug: string };
let path: string;

beforeAll(async () => {
  hub = await startTestHub();
  incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Storm", severity: "major" })).json;
  for (let i = 1; i <= 5; i++) {
    await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: `Besked ${i}: ingen ström.` });
  }
  path = `/incidents/${incident.slug}`;
});
afterAll(() => hub.close());

const env = (clientAddress = "192.0.2.1"): AppEnv["Bindings"] => ({ deps: hub.deps, clientAddress });
/** A rate counter that never refuses (the test hub's public limit is off). */
const unlimited = createRequestRate(() => 0);

/** What the fast path answers for `target`, or undefined when it leaves the request to the routes. */
function beforeRouting(target: string, init: RequestInit = {}) {
  return answerBeforeRouting(new Request(`http://localhost${target}`, init), env(), unlimited);
}

function answered(target: string, init: RequestInit = {}): Response {
  return must(beforeRouting(target, init), `${init.method ?? "GET"} ${target} answered before routing`);
}

/** What the routes answer: a query that changes nothing keeps the request off the fast path. */
async function routed(target: string, init: RequestInit = {}) {
  expect(beforeRouting(`${target}?via=routes`, init)).toBeUndefined();
  return hub.app.request(`${target}?via=routes`, init, env());
}

const headersOf = (res: Response) => [...res.headers.entries()].sort(([a], [b]) => a.localeCompare(b));
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

const ENCODINGS: Record<string, string>[] = [
  {},
  { "accept-encoding": "br" },
  { "accept-encoding": "gzip" },
  { "accept-encoding": "gzip, deflate, br, zstd" },
  { "accept-encoding": "identity" },
];

describe("a rendered public page answered before routing", () => {
  test("app.fetch answers it at once, without a promise (Node then writes it without waiting)", async () => {
    await hub.app.request(path, {}, env());
    const res = hub.app.fetch(new Request(`http://localhost${path}`), env());
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(200);
    // A query takes the routes, whose middleware are asynchronous.
    expect(hub.app.fetch(new Request(`http://localhost${path}?via=routes`), env())).toBeInstanceOf(Promise);
  });

  test("a page not rendered yet is left to the routes, which render it", async () => {
    expect(beforeRouting("/channels")).toBeUndefined();
    expect((await hub.app.request("/channels", {}, env())).status).toBe(200);
    expect(beforeRouting("/channels")?.status).toBe(200);
  });

  test("gives the same status, headers and bytes as the routes, per encoding, for GET and HEAD", async () => {
    await hub.app.request(path, {}, env());
    for (const method of ["GET", "HEAD"]) {
      for (const headers of ENCODINGS) {
        const label = `${method} ${JSON.stringify(headers)}`;
        const fast = answered(path, { method, headers });
        const slow = await routed(path, { method, headers });
        expect(fast.status, label).toBe(200);
        expect(headersOf(fast), label).toEqual(headersOf(slow));
        expect(await bytesOf(fast), label).toEqual(await bytesOf(slow));
        if (method === "HEAD") expect(fast.body, label).toBeNull();
      }
    }
    expect(answered(path, { headers: { "accept-encoding": "br" } }).headers.get("content-encoding")).toBe("br");
  });

  test("answers 304 to its own ETag per encoding, as the routes do, and 200 to another encoding's", async () => {
    for (const headers of ENCODINGS) {
      const label = JSON.stringify(headers);
      const etag = must(answered(path, { headers }).headers.get("etag"), label);
      const conditional = { ...headers, "if-none-match": etag };
      const fast = answered(path, { headers: conditional });
      expect(fast.status, label).toBe(304);
      expect(headersOf(fast), label).toEqual(headersOf(await routed(path, { headers: conditional })));
      expect(await bytesOf(fast), label).toEqual(new Uint8Array());
    }
    const brEtag = must(answered(path, { headers: { "accept-encoding": "br" } }).headers.get("etag"), "the br ETag");
    expect(answered(path, { headers: { "if-none-match": brEtag } }).status).toBe(200);
  });

  test("an update's page, the exercises' index and home are answered too", async () => {
    await hub.app.request(`${path}/updates/1`, {}, env());
    await hub.app.request("/ovning", {}, env());
    await hub.app.request("/", {}, env());
    for (const target of [`${path}/updates/1`, "/ovning", "/"]) {
      const fast = answered(target);
      expect(headersOf(fast), target).toEqual(headersOf(await routed(target)));
      expect(await bytesOf(fast), target).toEqual(await bytesOf(await routed(target)));
    }
  });

  test("a route that changes what it serves, a query, another method and an escape go to the routes", async () => {
    for (const target of [`${path}/feed.atom`, "/feed.rss", "/embed", "/embed.json", "/cap.atom"]) {
      expect((await hub.app.request(target, {}, env())).status, target).toBe(200);
      expect(beforeRouting(target), target).toBeUndefined();
    }
    expect(beforeRouting(`${path}?ordning=aldst`)).toBeUndefined();
    expect(beforeRouting(path, { method: "POST" })).toBeUndefined();
    // The same page with a letter escaped: Hono decodes it to the rendered path, the routes decide.
    expect(beforeRouting(`/incidents/%${incident.slug.charCodeAt(0).toString(16)}${incident.slug.slice(1)}`)).toBe(
      undefined,
    );
  });

  test("malformed input next to a rendered page is still refused", async () => {
    expect(beforeRouting(path)?.status).toBe(200);
    for (const target of [`${path}?ordning=%00`, `${path}?x=%00`, `${path}%00`]) {
      expect((await hub.app.request(target, {}, env())).status, target).toBe(400);
    }
  });

  test("a change to the incident is served on the very next request", async () => {
    const before = answered(path);
    await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Strömmen är tillbaka." });
    // The change forgot the revision: nothing is answered before routing until the page is rendered again.
    expect(beforeRouting(path)).toBeUndefined();
    const next = await hub.app.request(path, {}, env());
    expect(await next.text()).toContain("Strömmen är tillbaka.");
    expect(next.headers.get("etag")).not.toBe(before.headers.get("etag"));
    const fast = answered(path);
    expect(await fast.text()).toContain("Strömmen är tillbaka.");
  });
});

describe("the public rate limit on pages answered before routing", () => {
  test("counts with the routes in one counter and answers 429 past the limit, per client", async () => {
    const limited = await startTestHub({ env: { KRISKANAL_PUBLIC_RATE_LIMIT: "3" } });
    try {
      const inc = (await api(limited, limited.token).post("/api/v1/incidents", { title: "Brand", severity: "major" }))
        .json;
      const page = `/incidents/${inc.slug}`;
      const get = (target: string, clientAddress: string, init: RequestInit = {}) =>
        limited.app.request(target, init, { deps: limited.deps, clientAddress });
      /** app.fetch without awaiting: a Response (not a promise) means it was answered before routing. */
      const atOnce = (clientAddress: string, init: RequestInit = {}) => {
        const res = limited.app.fetch(new Request(`http://localhost${page}`, init), {
          deps: limited.deps,
          clientAddress,
        });
        expect(res).toBeInstanceOf(Response);
        return res as Response;
      };
      // Rendered by the routes (the first request), answered before routing (the second), then a
      // third through the routes again: the fourth is over the limit, answered before routing.
      expect((await get(page, "198.51.100.1")).status).toBe(200);
      expect(atOnce("198.51.100.1").status).toBe(200);
      expect((await get(`${page}?via=routes`, "198.51.100.1")).status).toBe(200);
      const refused = atOnce("198.51.100.1");
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);
      expect(refused.headers.get("cache-control")).toBe("no-store");
      expect(refused.headers.get("content-type")).toBe("text/plain; charset=UTF-8");
      expect(await refused.text()).toContain("För många förfrågningar");
      const head = atOnce("198.51.100.1", { method: "HEAD" });
      expect(head.status).toBe(429);
      expect(head.body).toBeNull();
      // The routes' refusal for the same client is the same answer.
      const routesRefusal = await get(`${page}?via=routes`, "198.51.100.1");
      expect(headersOf(routesRefusal)).toEqual(headersOf(refused));
      // Another client is not held back.
      expect(atOnce("198.51.100.2").status).toBe(200);
      limited.clock.advance(60_000);
      // A new window (and, the clock having moved, the revision read again) lets the client back in.
      expect((await get(page, "198.51.100.1")).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test("the fast path refuses with the counter it is given, past its limit", async () => {
    const rate = createRequestRate(() => 1);
    await hub.app.request(path, {}, env());
    const ask = () => answerBeforeRouting(new Request(`http://localhost${path}`), env("203.0.113.5"), rate);
    expect(ask()?.status).toBe(200);
    expect(ask()?.status).toBe(429);
  });
});
