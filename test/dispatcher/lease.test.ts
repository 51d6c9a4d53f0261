// Leases: a dispatcher that crashes after sending but before recording leaves its rows "sending";
// once the lease runs out another dispatcher takes them, settles what already landed without
// posting again, and the crashed one can no longer overwrite the result.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { claimDueDeliveries, DEFAULT_LEASE_MS } from "../../src/dispatcher/claim";
import { loadJobs } from "../../src/dispatcher/jobs";
import { recordOutcomes } from "../../src/dispatcher/record";
import { runJob } from "../../src/dispatcher/run";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

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

    // Within the lease nobody else may touch them.
    expect((await hub.dispatch()).claimed).toBe(0);
    hub.clock.advance(DEFAULT_LEASE_MS + 1_000);
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
