// The handoff: a publish leases the deliveries it can send at once to this process's loop in its
// own transaction and hands them over after the commit. Such a row is leased exactly as a claimed
// one is: another dispatcher takes it only once the lease has run out (and looks before it sends
// again), the loop's own claims never take it meanwhile, and the claim's ordering rules hold.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type Claimed, DEFAULT_LEASE_MS } from "../../src/dispatcher/claim";
import type { DeliveryHandoff } from "../../src/dispatcher/handoff";
import { loadJobs } from "../../src/dispatcher/jobs";
import { startDispatchLoop } from "../../src/dispatcher/loop";
import { recordOutcomes } from "../../src/dispatcher/record";
import { runJob } from "../../src/dispatcher/run";
import type { Actor } from "../../src/domain/people/actor";
import { loadActor } from "../../src/domain/people/people";
import { approveUpdate, setApprovalRule } from "../../src/domain/publishing/approvals";
import { postUpdate } from "../../src/domain/publishing/updates";
import { holdPublish } from "../helpers/held-adapter";
import { api, SYSTEM_ACTOR } from "../helpers/hub";
import { addPerson } from "../helpers/people";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
beforeEach(async () => {
  hub = await startFanoutHub({ platforms: ["mastodon", "bluesky", "telegram"] });
});
afterEach(() => hub.close());

/** A handoff that keeps what it is given, for the test to run (or not) as a process would. */
function keepingHandoff(owner: string): DeliveryHandoff & { taken: Claimed[][] } {
  const taken: Claimed[][] = [];
  return { owner, leaseMs: DEFAULT_LEASE_MS, limit: 200, taken, take: (claimed) => taken.push(claimed) };
}

const postsWith = (platform: "mastodon" | "bluesky" | "telegram", text: string) =>
  hub.sandbox.state(platform).posts.filter((p) => p.text.includes(text));

async function until(check: () => Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("never happened");
}

describe("a publish with a handoff", () => {
  test("leases its deliveries to the loop in its transaction and hands them over, without a wake", async () => {
    const handoff = keepingHandoff("publishing-process");
    hub.deps.deliveryHandoff = handoff;
    const signalled = hub.signalled.length;
    const res = await api(hub, hub.token).post(`/api/v1/incidents/${hub.incident.id}/updates`, {
      body: "Överlämnat: vattnet är tillbaka.",
    });
    expect(res.status).toBe(201);
    // The answer shows the rows as the transaction left them.
    expect(res.json.deliveries.map((d: { status: string }) => d.status)).toEqual(["sending", "sending", "sending"]);
    const rows = await hub.deliveriesOf(res.json.id);
    expect(rows.map((r) => [r.status, r.leaseOwner, r.attempts])).toEqual(
      rows.map(() => ["sending", "publishing-process", 1]),
    );
    expect(handoff.taken).toHaveLength(1);
    expect(handoff.taken[0].map((c) => c.delivery.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(handoff.taken[0].every((c) => !c.leaseExpired)).toBe(true);
    // Nothing is left for a claim, so the loop is not woken for them.
    expect(hub.signalled.length).toBe(signalled);
  });

  test("whose process dies after sending is taken by another once the lease runs out, and not posted twice", async () => {
    const handoff = keepingHandoff("dying-process");
    hub.deps.deliveryHandoff = handoff;
    const updateId = await hub.post("Död process: elen är tillbaka i Norrby.");
    // The publishing process sends what it was handed, then dies before writing anything down.
    const jobs = await loadJobs(hub.deps.db, handoff.taken[0]);
    const outcomes = await Promise.all(jobs.map((job) => runJob(hub.deps, job, { sendTimeoutMs: 1_500 })));
    expect(outcomes.every((o) => o.status === "published")).toBe(true);

    // Within the lease no other dispatcher may take them.
    hub.clock.advance(DEFAULT_LEASE_MS - 1_000);
    expect((await hub.dispatch({ owner: "survivor" })).claimed).toBe(0);
    hub.clock.advance(2_000);
    expect((await hub.dispatch({ owner: "survivor" })).claimed).toBe(3);

    const rows = await hub.byPlatform(updateId);
    for (const platform of ["mastodon", "bluesky"] as const) {
      expect(rows[platform].status, `${platform}: ${rows[platform].message}`).toBe("published");
      expect(rows[platform].attempts).toBe(2);
      expect(postsWith(platform, "Död process")).toHaveLength(1);
    }
    // Telegram cannot be asked whether it landed: a person decides, nothing is sent twice.
    expect(rows.telegram).toMatchObject({ status: "failed", failureClass: "unconfirmed" });
    expect(postsWith("telegram", "Död process")).toHaveLength(1);
    // The dead process cannot write over what the survivor recorded.
    await recordOutcomes(hub.deps, "dying-process", outcomes);
    expect((await hub.byPlatform(updateId)).telegram.status).toBe("failed");
  });

  test("whose process dies before sending is taken by another after the lease, and sent once", async () => {
    hub.deps.deliveryHandoff = keepingHandoff("gone-process");
    const updateId = await hub.post("Före sändning: skolan är öppen igen.");
    hub.clock.advance(DEFAULT_LEASE_MS + 1_000);
    expect((await hub.dispatch({ owner: "survivor" })).claimed).toBe(3);
    const rows = await hub.byPlatform(updateId);
    // The survivor looks first (the lease ran out mid-"send"), finds nothing and sends.
    for (const platform of ["mastodon", "bluesky"] as const) {
      expect(rows[platform].status, `${platform}: ${rows[platform].message}`).toBe("published");
      expect(postsWith(platform, "Före sändning")).toHaveLength(1);
    }
    expect(postsWith("telegram", "Före sändning").length).toBeLessThanOrEqual(1);
  });

  test("is never also claimed by the loop while the loop sends it", async () => {
    const { adapter: held, inCall, release } = holdPublish(hub.deps.platforms.mastodon);
    const deps = { ...hub.deps, platforms: { ...hub.deps.platforms, mastodon: held } };
    const loop = startDispatchLoop(deps, { intervalMs: 3_600_000, owner: "handoff-loop", random: () => 0.5 });
    const claimedByLoop: number[] = [];
    deps.log = {
      ...deps.log,
      debug(message, data) {
        if (message === "dispatch: claimed") claimedByLoop.push(Number(data?.count ?? 0));
      },
    };
    hub.deps.deliveryHandoff = loop.handoff;
    hub.deps.signalDeliveries = () => loop.wake();
    try {
      const updateId = await hub.post("Hålls kvar: bussarna går som vanligt.");
      await inCall;
      const mastodonRow = (await hub.byPlatform(updateId)).mastodon;
      expect(mastodonRow).toMatchObject({ status: "sending", leaseOwner: "handoff-loop", attempts: 1 });
      // The loop's claims and another dispatcher's find nothing to take while it is held.
      for (let i = 0; i < 3; i++) {
        loop.wake();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await hub.dispatch({ owner: "other-process" })).claimed).toBe(0);
      release();
      await until(async () => (await hub.deliveriesOf(updateId)).every((r) => r.status === "published"));
      expect(claimedByLoop.every((n) => n === 0)).toBe(true);
      const rows = await hub.byPlatform(updateId);
      for (const platform of ["mastodon", "bluesky", "telegram"] as const) {
        expect(rows[platform]).toMatchObject({ status: "published", attempts: 1, leaseOwner: null });
        expect(postsWith(platform, "Hålls kvar")).toHaveLength(1);
      }
    } finally {
      release();
      await loop.stop();
    }
  });

  test("leases nothing that waits behind an earlier delivery, so a reply follows its thread's first post", async () => {
    const handoff = keepingHandoff("thread-process");
    hub.deps.deliveryHandoff = handoff;
    const first = await hub.post("Tråd 1: ledningsbrott på Storgatan.");
    // Update 1 is still on its way (leased, not yet sent) when update 2 is published.
    const second = await hub.post("Tråd 2: reparationen pågår.");
    expect(handoff.taken).toHaveLength(1);
    expect((await hub.deliveriesOf(second)).map((r) => [r.status, r.leaseOwner, r.attempts])).toEqual([
      ["pending", null, 0],
      ["pending", null, 0],
      ["pending", null, 0],
    ]);
    // Nor does a claim take update 2 while update 1 is leased.
    expect((await hub.dispatch({ owner: "other-process" })).claimed).toBe(0);

    // The publishing process sends update 1 and records it; update 2 then goes out as a reply.
    const jobs = await loadJobs(hub.deps.db, handoff.taken[0]);
    const outcomes = await Promise.all(jobs.map((job) => runJob(hub.deps, job, { sendTimeoutMs: 1_500 })));
    await recordOutcomes(hub.deps, "thread-process", outcomes);
    await hub.drain({ owner: "other-process" });
    const roots = await hub.byPlatform(first);
    const replies = await hub.byPlatform(second);
    for (const platform of ["mastodon", "bluesky", "telegram"] as const) {
      expect(replies[platform].status, `${platform}: ${replies[platform].message}`).toBe("published");
      const reply = hub.sandbox
        .state(platform)
        .posts.find((p) => p.id === replies[platform].remoteId || replies[platform].remoteId?.endsWith(p.id));
      expect(reply?.replyTo, platform).toBeTruthy();
      expect(roots[platform].remoteId, platform).toContain(reply?.replyTo as string);
    }
  });

  test("leases nothing while the kill switch is on", async () => {
    const handoff = keepingHandoff("paused-process");
    hub.deps.deliveryHandoff = handoff;
    const admin = api(hub, hub.token);
    expect((await admin.post("/api/v1/deliveries/pause", { reason: "Kontot kapat" })).status).toBe(200);
    const updateId = await hub.post("Pausat: inget ska ut.");
    expect(handoff.taken).toHaveLength(0);
    expect((await hub.deliveriesOf(updateId)).every((r) => r.status === "pending" && r.leaseOwner === null)).toBe(true);
  });

  test("handed to a stopped loop, the rows are given back untouched for the next claim", async () => {
    const loop = startDispatchLoop(hub.deps, { intervalMs: 3_600_000, owner: "stopped-loop" });
    await loop.stop();
    hub.deps.deliveryHandoff = loop.handoff;
    const updateId = await hub.post("Stoppad: given back.");
    await until(async () => (await hub.deliveriesOf(updateId)).every((r) => r.status === "pending"));
    expect((await hub.deliveriesOf(updateId)).map((r) => [r.leaseOwner, r.attempts])).toEqual([
      [null, 0],
      [null, 0],
      [null, 0],
    ]);
    // Sent as new, not settled as an attempt that may have landed.
    await hub.drain({ owner: "next-process" });
    const rows = await hub.byPlatform(updateId);
    expect(rows.telegram).toMatchObject({ status: "published", attempts: 1 });
    expect(postsWith("telegram", "Stoppad")).toHaveLength(1);
  });

  test("sent by the loop from what the transaction read: an English account still gets its translation", async () => {
    const admin = api(hub, hub.token);
    expect((await admin.patch("/api/v1/organisation", { languages: ["sv", "en"] })).status).toBe(200);
    expect((await admin.patch(`/api/v1/accounts/${hub.accountIds.mastodon}`, { language: "en" })).status).toBe(200);
    const loop = startDispatchLoop(hub.deps, { intervalMs: 3_600_000, owner: "language-loop", random: () => 0.5 });
    hub.deps.deliveryHandoff = loop.handoff;
    hub.deps.signalDeliveries = () => loop.wake();
    try {
      const id = await hub.post("Språk: vattnet är avstängt.", { translations: { en: "Language: the water is off." } });
      await until(async () => (await hub.deliveriesOf(id)).every((r) => r.status === "published"));
      const rows = await hub.byPlatform(id);
      expect(rows.mastodon).toMatchObject({ language: "en", attempts: 1 });
      expect(rows.telegram).toMatchObject({ language: "sv", attempts: 1 });
      expect(postsWith("mastodon", "Language: the water is off")).toHaveLength(1);
      expect(postsWith("telegram", "Språk: vattnet är avstängt")).toHaveLength(1);
      expect(postsWith("telegram", "Language:")).toHaveLength(0);
    } finally {
      await loop.stop();
    }
  });

  test("an approved update is handed over as it is published", async () => {
    const handoff = keepingHandoff("approving-process");
    hub.deps.deliveryHandoff = handoff;
    const poster = await addPerson(hub, { role: "communicator" });
    const posterActor = (await loadActor(hub.deps.db, poster.id, "token")) as Actor;
    const approver = (await loadActor(hub.deps.db, hub.adminId, "token")) as Actor;
    await setApprovalRule(hub.deps, SYSTEM_ACTOR, { requireApproval: true });
    const waiting = await postUpdate(hub.deps, posterActor, {
      incidentId: hub.incident.id,
      body: "Godkänd: ny samlingsplats vid skolan.",
      borrowingReason: "Alla kanaler behöver nå ut.",
    });
    // Waiting for a second pair of eyes: nothing queued, nothing leased.
    expect(waiting.deliveries).toEqual([]);
    expect(handoff.taken).toHaveLength(0);
    const approved = await approveUpdate(hub.deps, approver, waiting.update.id);
    expect(approved.deliveries.length).toBeGreaterThan(0);
    expect(approved.deliveries.every((d) => d.status === "sending" && d.leaseOwner === "approving-process")).toBe(true);
    expect(handoff.taken).toHaveLength(1);
    expect(handoff.taken[0].map((c) => c.delivery.id).sort()).toEqual(approved.deliveries.map((d) => d.id).sort());
  });
});
