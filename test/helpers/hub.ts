// startTestHub(): the real app on a real database, wired like src/node.ts but with a test
// clock and no HTTP server: routes are called in-process with app.request(path, init, { deps }).
import { eq } from "drizzle-orm";
import { createApp } from "../../src/app";
import { createNodeCrc32 } from "../../src/archive/crc32-node";
import { createNodeHasher } from "../../src/archive/hasher-node";
import { parseConfig } from "../../src/config";
import { people } from "../../src/db/schema";
import { assembleDeps, type Deps } from "../../src/deps";
import { generateSecretKeyBase64, importSecretKey } from "../../src/domain/accounts/secrets";
import { SYSTEM_ACTOR } from "../../src/domain/people/actor";
import { BOOTSTRAP_ADMIN_EMAIL, ensureBootstrapAdmin, issueToken } from "../../src/domain/people/tokens";
import { ensureOrganisation } from "../../src/domain/publishing/organisation";
import { createLog } from "../../src/log";
import { createPlatforms } from "../../src/platforms/index";
import { createNodeCompressor } from "../../src/render/compressor-node";
import { createNodeImaging } from "../../src/render/imaging-node";
import { readResvgWasm } from "../../src/render/load-resvg-node";
import { loadTemplateSources } from "../../src/render/load-templates-node";
import { createPublicCache } from "../../src/render/public-cache";
import { provideResvgWasm } from "../../src/render/rasterise-logo";
import { createRenderer } from "../../src/render/renderer";
import { createTestClock, type TestClock } from "./clock";
import { openTestDatabase } from "./database";

const templates = loadTemplateSources();
// One per test file, as a process has one: the WebAssembly is compiled once, not per hub.
const imaging = createNodeImaging();
provideResvgWasm(readResvgWasm);

export interface TestHub {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  clock: TestClock;
  /** An admin bearer token. */
  token: string;
  adminId: string;
  logLines: string[];
  signalled: string[][];
  /** The test database's URL when it runs on PostgreSQL (TEST_DATABASE_URL), for a second pool. */
  databaseUrl?: string;
  close(): Promise<void>;
}

export async function startTestHub(
  options: { env?: Record<string, string>; deps?: Partial<Deps> } = {},
): Promise<TestHub> {
  const database = await openTestDatabase();
  const clock = createTestClock();
  const config = parseConfig({
    KRISKANAL_PUBLIC_URL: "https://kris.exempel.se",
    KRISKANAL_DEMO: "0",
    // Tests send many requests from one address; a test that checks the rate limit turns it on.
    KRISKANAL_API_RATE_LIMIT: "0",
    KRISKANAL_PUBLIC_RATE_LIMIT: "0",
    KRISKANAL_WEBSUB_RATE_LIMIT: "0",
    KRISKANAL_PUSH_RATE_LIMIT: "0",
    ...options.env,
  });
  await ensureOrganisation(database.db, "Exempelkommun", clock.now());
  await ensureBootstrapAdmin(database.db, clock.now(), "test-bootstrap-token-0123456789");
  const [admin] = await database.db.select().from(people).where(eq(people.email, BOOTSTRAP_ADMIN_EMAIL));
  const issued = await issueToken(database.db, admin.id, "test", clock.now());
  const logLines: string[] = [];
  const signalled: string[][] = [];
  const pending: Promise<unknown>[] = [];
  const deps = assembleDeps({
    db: database.db,
    config,
    log: createLog("debug", (line) => logLines.push(line)),
    secretKey: await importSecretKey(generateSecretKeyBase64()),
    render: createRenderer(templates),
    platforms: createPlatforms(),
    publicCache: createPublicCache(),
    compressor: createNodeCompressor(),
    hasher: createNodeHasher(),
    crc32: createNodeCrc32(),
    imaging,
    now: clock.now,
    defer: (work) => {
      pending.push(work.catch(() => {}));
    },
    signalDeliveries: (ids) => {
      signalled.push(ids);
    },
  });
  Object.assign(deps, options.deps);
  return {
    app: createApp(),
    deps,
    clock,
    token: issued.token,
    adminId: admin.id,
    logLines,
    signalled,
    databaseUrl: database.url,
    async close() {
      await Promise.all(pending);
      await database.close();
    },
  };
}

export { SYSTEM_ACTOR };

/** A small JSON client over app.request. */
export function api(hub: Pick<TestHub, "app" | "deps">, token?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await hub.app.request(
      path,
      {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      },
      { deps: hub.deps },
    );
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: the answer of whichever route was called, read by path and checked with expect; typing each route's answer is its own change
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call("GET", path, undefined, headers),
    post: (path: string, body?: unknown) => call("POST", path, body ?? {}),
    patch: (path: string, body?: unknown) => call("PATCH", path, body ?? {}),
    delete: (path: string) => call("DELETE", path),
  };
}
