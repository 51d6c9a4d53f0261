// Leases: a dispatcher that crashes after sending but before recording leaves its rows "sending";
// once the lease runs out another dispatcher takes them, settles what already landed without
// posting again, and the crashed one can no longer overwrite the result.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseConfig } from "../../src/config";
import { claimDueDeliveries, DEFAULT_LEASE_MS } from "../../src/dispatcher/claim";
import { dispatchDue } from "../../src/dispatcher/dispatch";
import { loadJobs } from "../../src/dispatcher/jobs";
import { recordOutcomes } from "../../src/dispatcher/record";
import { runJob } from "../../src/dispatcher/run";
import { holdPublish } from "../helpers/held-adapter";
import { DISPATCH_DEFAULTS, type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["x", "mastodon", "bluesky", "facebook", "telegram"] });
});
afterAll(() => hub.close());

describe("a crashed dispatcher", () => {
  test("its rows come back after the lease and are settled without a duplicate", async () => {
    const updateId = await hub.post("Strömavbrott i centrum; felsökning pågår.");
    // Dispatcher A claims and sends, then dies before writing anything down.
    const claimed = await claimDueDeliveries(hub.deps, "crashed-dispatcher", { limit: 10 });
    expect(claimed).toHaveLength(5);
    const jobs = await loadJobs(hub.deps.db, claimed);
    const outcomes = await Promise.all(jobs.map((job) => runJob(hub.deps, job, { sendTimeoutMs: 1_500 })));
    expect(outcomes.every((o) => o.status === "published")).toBe(true);
    expect((await hub.deliveriesOf(updateId)).every((d) => d.status === "sending")).toBe(true);

    // Within the lease nobody else may touch them; the lease is short, so they are back in seconds.
    expect(DEFAULT_LEASE_MS).toBe(parseConfig({}).leaseMs);
    expect(DEFAULT_LEASE_MS).toBeLessThanOrEqual(20_000);
    hub.clock.advance(DEFAULT_LEASE_MS - 1_000);
    expect((await hub.dispatch()).claimed).toBe(0);
    hub.clock.advance(2_000);
    const report = await hub.dispatch({ owner: "dispatcher-b" });
    expect(report.claimed).toBe(5);

    const rows = await hub.byPlatform(updateId);
    for (const platform of ["x", "mastodon", "bluesky", "facebook"] as const) {
      expect(rows[platform].status, `${platform}: ${rows[platform].message}`).toBe("published");
      expect(rows[platform].attempts).toBe(2);
      const posts = hub.sandbox.state(platform).posts.filter((p) => p.text.includes("Strömavbrott i centrum"));
      expect(posts, platform).toHaveLength(1);
      expect(rows[platform].remoteId).toContain(posts[0].id);
    }
    // Telegram cannot be asked: a person decides, nothing is sent twice.
    expect(rows.telegram).toMatchObject({ status: "failed", failureClass: "unconfirmed" });
    expect(hub.sandbox.state("telegram").posts.filter((p) => p.text.includes("Strömavbrott"))).toHaveLength(1);

    // A comes back to life and tries to record: the rows are no longer its own.
    const logged = hub.logLines.length;
    await recordOutcomes(hub.deps, "crashed-dispatcher", outcomes);
    expect((await hub.byPlatform(updateId)).telegram.status).toBe("failed");
    expect(hub.logLines.slice(logged).join("\n")).toContain("lease lost");
  });
});

describe("a slow attempt", () => {
  test("renews its lease while the adapter call runs, so no second dispatcher can claim the row", async () => {
    const slow = await startFanoutHub({ platforms: ["mastodon"] });
    try {
      // Stands in for Instagram's container poll: the call returns only when the test says so.
      const { adapter: held, inCall, release } = holdPublish(slow.deps.platforms.mastodon);
      const deps = { ...slow.deps, platforms: { ...slow.deps.platforms, mastodon: held } };
      const updateId = await slow.post("Långsamt svar från plattformen; vi väntar.");
      const leaseMs = 20_000;
      const first = dispatchDue(deps, { ...DISPATCH_DEFAULTS, owner: "slow-a", leaseMs, heartbeatMs: 5 });
      await inCall;

      const leaseOf = async () => (await slow.deliveriesOf(updateId))[0].leaseUntil?.getTime();
      for (const step of [15_000, 15_000, 15_000]) {
        slow.clock.advance(step);
        // The heartbeat extends the lease from the (injected) now; wait until it has.
        const wanted = slow.clock.now().getTime() + leaseMs;
        for (let i = 0; i < 400 && (await leaseOf()) !== wanted; i++) await new Promise((r) => setTimeout(r, 5));
        expect(await leaseOf()).toBe(wanted);
        // 45 s after the claim, far past the first lease: still ours.
        expect((await dispatchDue(slow.deps, { ...DISPATCH_DEFAULTS, owner: "slow-b", leaseMs })).claimed).toBe(0);
      }

      release();
      const report = await first;
      expect(report.results[0].status).toBe("published");
      const [row] = await slow.deliveriesOf(updateId);
      expect(row).toMatchObject({ status: "published", attempts: 1, leaseOwner: null, leaseUntil: null });
      expect(slow.sandbox.state("mastodon").posts.filter((p) => p.text.includes("Långsamt svar"))).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });
});
