// A database outage: the public website keeps serving what it last rendered (stale-if-error),
// pages it never rendered get a Swedish HTML 503, the API answers 503 database_unavailable with
// Retry-After, and everything answers normally again once the database is back.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "../../src/db/client";
import { openPostgres } from "../../src/db/open-node";
import type { Deps } from "../../src/deps";
import { REVISION_MAX_AGE_MS } from "../../src/render/public-cache";
import { TEST_DATABASE_URL } from "../helpers/database";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

const PUBLIC_PATHS = (slug: string) => [
  "/",
  `/incidents/${slug}`,
  `/incidents/${slug}/updates/1`,
  "/feed.atom",
  "/channels",
];

/** Posts an incident with one update and reads every public page once, so they are in memory. */
async function warmUp(hub: TestHub, deps: Deps) {
  const admin = api({ app: hub.app, deps }, hub.token);
  const incident = (await admin.post("/api/v1/incidents", { title: "Översvämning vid ån", severity: "major" })).json;
  const posted = await admin.post(`/api/v1/incidents/${incident.id}/updates`, {
    body: "Vattnet stiger; undvik gångvägen.",
  });
  expect(posted.status, posted.text).toBe(201);
  const pages = new Map<string, string>();
  for (const path of PUBLIC_PATHS(incident.slug)) {
    const res = await api({ app: hub.app, deps }).get(path);
    expect(res.status, path).toBe(200);
    pages.set(path, res.text);
  }
  return { slug: incident.slug as string, pages };
}

async function expectOutageAnswers(hub: TestHub, deps: Deps, pages: Map<string, string>) {
  // The revision read moments ago is no longer trusted: every request asks the database.
  hub.clock.advance(REVISION_MAX_AGE_MS + 1);
  const visitor = api({ app: hub.app, deps });
  for (const [path, body] of pages) {
    const res = await visitor.get(path);
    expect(res.status, path).toBe(200);
    expect(res.text, path).toBe(body);
  }
  const uncached = await visitor.get("/incidents/aldrig-visad");
  expect(uncached.status).toBe(503);
  expect(uncached.headers.get("content-type")).toContain("text/html");
  expect(uncached.text).toContain('lang="sv"');
  expect(uncached.text).toContain("Tillfälligt otillgänglig");
  expect(Number(uncached.headers.get("retry-after"))).toBeGreaterThan(0);
  // Under a language's prefix the 503 speaks that language, without asking the database which are offered.
  const english = await visitor.get("/en/incidents/aldrig-visad");
  expect(english.status).toBe(503);
  expect(english.text).toContain('<html lang="en">');
  expect(english.text).toContain("Temporarily unavailable");
  const arabic = await visitor.get("/ar/");
  expect(arabic.status).toBe(503);
  expect(arabic.text).toContain('<html lang="ar" dir="rtl">');

  const client = await api({ app: hub.app, deps }, hub.token).get("/api/v1/incidents");
  expect(client.status).toBe(503);
  expect(client.json.error.code).toBe("database_unavailable");
  expect(Number(client.headers.get("retry-after"))).toBeGreaterThan(0);
}

async function expectRecovered(hub: TestHub, deps: Deps, slug: string) {
  hub.clock.advance(REVISION_MAX_AGE_MS + 1);
  let status = 0;
  // postgres.js reconnects on the next query; allow a few tries for the new connection.
  for (let i = 0; i < 20 && status !== 200; i++) {
    status = (await api({ app: hub.app, deps }, hub.token).get("/api/v1/incidents")).status;
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(status).toBe(200);
  const visitor = api({ app: hub.app, deps });
  expect((await visitor.get(`/incidents/${slug}`)).status).toBe(200);
  expect((await visitor.get("/incidents/aldrig-visad")).status).toBe(404);
}

/** A database handle whose every use fails the way a refused connection does. */
function unreachableDb(): Db {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  return new Proxy({} as Db, {
    get() {
      throw refused;
    },
  });
}

describe("the database does not answer (a failing handle)", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  test("public pages come from memory, the rest is a 503, and it recovers", async () => {
    const { slug, pages } = await warmUp(hub, hub.deps);
    const db = hub.deps.db;
    hub.deps.db = unreachableDb();
    try {
      await expectOutageAnswers(hub, hub.deps, pages);
    } finally {
      hub.deps.db = db;
    }
    await expectRecovered(hub, hub.deps, slug);
  });
});

describe.runIf(TEST_DATABASE_URL)("PostgreSQL goes away and comes back", () => {
  let hub: TestHub;
  let proxy: TcpProxy;
  let close: () => Promise<void>;
  let deps: Deps;
  beforeAll(async () => {
    hub = await startTestHub();
    const databaseUrl = must(hub.databaseUrl, "a PostgreSQL hub's database URL");
    const target = new URL(databaseUrl);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(databaseUrl);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    const opened = await openPostgres(viaProxy.toString(), { max: 2, migrate: false, connectTimeoutSeconds: 2 });
    close = opened.close;
    // The hub as it runs in production, with its pool going through the proxy.
    deps = { ...hub.deps, db: opened.db };
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => {});
    await close?.();
    await hub?.close();
  });

  test("connections dropped and refused: pages from memory, 503s, then recovery without a restart", async () => {
    const { slug, pages } = await warmUp(hub, deps);
    await proxy.cut();
    await expectOutageAnswers(hub, deps, pages);
    await proxy.restore();
    await expectRecovered(hub, deps, slug);
  });
});
