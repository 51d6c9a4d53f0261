// Two dispatchers (two connection pools, as two processes would have) working the same
// PostgreSQL outbox at the same time: every delivery is sent exactly once. PGlite has a single
// connection, so this runs only against a real server (TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openPostgres } from "../../src/db/open-node";
import { dispatchDue } from "../../src/dispatcher/dispatch";
import { PLATFORMS, type Platform } from "../../src/platforms/types";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { TEST_DATABASE_URL } from "../helpers/database";
import { api } from "../helpers/hub";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

const PLATFORMS_USED: Platform[] = ["mastodon", "x", "facebook", "linkedin", "telegram", "threads"];
const COPIES = 4;
const UPDATES = 3;

describe.runIf(TEST_DATABASE_URL)("two dispatchers on one PostgreSQL", () => {
  // One sandbox per copy of an account, since the stand-ins refuse duplicate text like the real ones.
  const sandboxes: RunningSandbox[] = [];
  let hub: FanoutHub;
  beforeAll(async () => {
    for (let i = 0; i < COPIES; i++) sandboxes.push(await startSandbox());
    hub = await startFanoutHub({ sandbox: sandboxes[0], platforms: PLATFORMS_USED });
    const admin = api(hub, hub.token);
    for (let i = 1; i < COPIES; i++) {
      for (const account of sandboxes[i].accounts().filter((a) => PLATFORMS_USED.includes(a.platform))) {
        const handle = `${account.handle.replace(/^@/, "")}${i}`;
        const res = await admin.post("/api/v1/accounts", { ...account, handle, sandbox: true });
        expect(res.status, res.text).toBe(201);
      }
    }
    for (const sandbox of sandboxes) for (const platform of PLATFORMS) sandbox.control(platform).setLatency(15);
  });
  afterAll(async () => {
    await hub?.close();
    await Promise.all(sandboxes.map((s) => s.close()));
  });

  test("never send the same row, and between them send every row", async () => {
    for (let n = 1; n <= UPDATES; n++) await hub.post(`Samtidigt ${n}: läget i kommunen.`);
    const second = await openPostgres(hub.databaseUrl as string, { max: 5, migrate: false });
    const depsB = { ...hub.deps, db: second.db };
    const claimedBy = { a: 0, b: 0 };
    const run = async (name: "a" | "b", deps: typeof hub.deps) => {
      for (let idle = 0; idle < 3; ) {
        const report = await dispatchDue(deps, { owner: `dispatcher-${name}`, limit: 5, random: () => 0.5 });
        claimedBy[name] += report.claimed;
        idle = report.claimed ? 0 : idle + 1;
      }
    };
    try {
      await Promise.all([run("a", hub.deps), run("b", depsB)]);
    } finally {
      await second.close();
    }
    const total = PLATFORMS_USED.length * COPIES * UPDATES;
    expect(claimedBy.a + claimedBy.b).toBe(total);
    expect(claimedBy.a).toBeGreaterThan(0);
    expect(claimedBy.b).toBeGreaterThan(0);
    const rows = (await hub.deps.db.query.deliveries.findMany()).filter((d) => d.kind === "publish");
    expect(rows).toHaveLength(total);
    expect(rows.every((d) => d.status === "published" && d.attempts === 1)).toBe(true);
    for (const sandbox of sandboxes) {
      for (const platform of PLATFORMS_USED) {
        const posts = sandbox.state(platform).posts.filter((p) => p.text.includes("Samtidigt"));
        expect(posts, platform).toHaveLength(UPDATES);
      }
    }
  });
});
