// The fan-out against the sandbox platforms over real HTTP: every account gets its post, the
// website links to the copies, later updates thread, one platform's failure holds back no other.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { accounts, auditLog, deliveries } from "../../src/db/schema";
import { dispatchDelivery } from "../../src/dispatcher/dispatch";
import { PLATFORMS, type Platform } from "../../src/platforms/types";
import { api } from "../helpers/hub";
import { type FanoutHub, IMAGE, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub();
});
afterAll(() => hub.close());
// Switches only: the posts stay, because later updates reply to the first ones.
beforeEach(() => {
  for (const platform of PLATFORMS) hub.sandbox.control(platform).reset();
});
const postsOn = (platform: Platform) => hub.sandbox.state(platform).posts;

const page = async (path: string) => (await hub.app.request(path, {}, { deps: hub.deps })).text();

describe("fan-out", () => {
  test("every platform receives the post with the link back; the website links to the copies", async () => {
    const updateId = await hub.post("Vattnet är avstängt på Storgatan 1–20 till kl. 18.", { image: IMAGE });
    const report = await hub.dispatch();
    expect(report.claimed).toBe(8);
    const rows = await hub.byPlatform(updateId);
    const link = `https://kris.exempel.se/incidents/${hub.incident.slug}/updates/1`;
    for (const [platform, row] of Object.entries(rows)) {
      expect(row.status, `${platform}: ${row.message}`).toBe("published");
      expect(row.attempts).toBe(1);
      expect(row.remoteId).toBeTruthy();
      expect(row.sentText).toContain("Vattnet är avstängt");
      const received = hub.sandbox.state(platform as never).posts;
      expect(received, platform).toHaveLength(1);
      expect(JSON.stringify(received[0]), platform).toContain(link);
    }
    const html = await page(`/incidents/${hub.incident.slug}/updates/1`);
    expect(html).toContain(rows.mastodon.remoteUrl as string);
    const audits = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, "delivery.published"));
    expect(audits).toHaveLength(8);
  });

  test("later updates of the incident reply to the first post on each account", async () => {
    const second = await hub.post("Tankbil står vid torget.");
    await hub.dispatch();
    const [firstDelivery] = await hub.deps.db.select().from(deliveries).orderBy(deliveries.seq).limit(1);
    const first = await hub.byPlatform(firstDelivery.updateId as string);
    const rows = await hub.byPlatform(second);
    for (const platform of ["mastodon", "bluesky", "x", "threads", "telegram"] as const) {
      expect(rows[platform].status, `${platform}: ${rows[platform].message}`).toBe("published");
      const reply = postsOn(platform).find(
        (p) => p.id === rows[platform].remoteId || rows[platform].remoteId?.endsWith(p.id),
      );
      expect(reply?.replyTo, platform).toBeTruthy();
      expect(first[platform].remoteId, platform).toContain(reply?.replyTo as string);
    }
    // Without an image of its own the update goes to Instagram as its crisis card.
    expect(rows.instagram.status, rows.instagram.message ?? "").toBe("published");
  });

  test("one failing platform holds back no other, and retries honour Retry-After on the injected clock", async () => {
    hub.sandbox.control("telegram").failNext({ status: 429, retryAfterSeconds: 7 });
    hub.sandbox.control("x").failNext({ status: 503 });
    const updateId = await hub.post("Skolan vid Storgatan håller stängt i morgon.");
    await hub.dispatch();
    let rows = await hub.byPlatform(updateId);
    expect(rows.mastodon.status).toBe("published");
    expect(rows.bluesky.status).toBe("published");
    expect(rows.telegram).toMatchObject({ status: "pending", failureClass: "retry", attempts: 1 });
    const now = hub.clock.now().getTime();
    const telegramWait = (rows.telegram.nextAttemptAt as Date).getTime() - now;
    expect(telegramWait).toBeGreaterThanOrEqual(7_000);
    expect(telegramWait).toBeLessThan(8_000);
    expect(rows.x).toMatchObject({ status: "pending", failureClass: "retry" });

    // Not yet due: nothing is claimed, nothing is sent.
    expect((await hub.dispatch()).claimed).toBe(0);
    hub.clock.advance(8_000);
    await hub.dispatch();
    rows = await hub.byPlatform(updateId);
    expect(rows.telegram).toMatchObject({ status: "published", attempts: 2 });
    hub.clock.advance(60_000);
    await hub.dispatch();
    rows = await hub.byPlatform(updateId);
    expect(rows.x).toMatchObject({ status: "published", attempts: 2 });
    expect(postsOn("telegram").filter((p) => p.text.includes("Skolan vid Storgatan"))).toHaveLength(1);
  });

  test("a rate limit's wait does not step the backoff up: the next failure without one waits as a first would", async () => {
    const telegram = hub.sandbox.control("telegram");
    telegram.failNext({ status: 429, retryAfterSeconds: 2, times: 3 });
    const updateId = await hub.post("Bussarna går som vanligt igen.");
    const waitOf = (row: { nextAttemptAt: Date | null }) =>
      (row.nextAttemptAt as Date).getTime() - hub.clock.now().getTime();
    await hub.dispatch();
    for (let i = 0; i < 2; i++) {
      hub.clock.advance(3_000);
      await hub.dispatch();
    }
    let row = (await hub.byPlatform(updateId)).telegram;
    expect(row).toMatchObject({ status: "pending", attempts: 3, backoffFailures: 0 });

    // Three claims so far, but the first failure the platform gave no time for: the first step
    // (1 s, jittered to 1.5 s by the test's random 0.5), not the fourth (8 s, 12 s).
    telegram.failNext({ status: 503 });
    hub.clock.advance(3_000);
    await hub.dispatch();
    row = (await hub.byPlatform(updateId)).telegram;
    expect(row).toMatchObject({ status: "pending", attempts: 4, backoffFailures: 1 });
    expect(waitOf(row)).toBe(1_500);

    telegram.failNext({ status: 503 });
    hub.clock.advance(1_500);
    await hub.dispatch();
    row = (await hub.byPlatform(updateId)).telegram;
    expect(row).toMatchObject({ status: "pending", attempts: 5, backoffFailures: 2 });
    expect(waitOf(row)).toBe(3_000);

    hub.clock.advance(3_000);
    await hub.dispatch();
    row = (await hub.byPlatform(updateId)).telegram;
    expect(row).toMatchObject({ status: "published", attempts: 6 });
    expect(postsOn("telegram").filter((p) => p.text.includes("Bussarna går"))).toHaveLength(1);
  });

  test("per account, updates go out in publication order even when the first has to wait", async () => {
    hub.sandbox.control("mastodon").failNext({ status: 500 });
    const first = await hub.post("Första: ledningen är trasig.");
    const second = await hub.post("Andra: reparationen har börjat.");
    await hub.dispatch();
    expect((await hub.byPlatform(first)).mastodon.status).toBe("pending");
    // The second update waits behind the first on Mastodon, but not on Bluesky.
    expect((await hub.byPlatform(second)).mastodon.status).toBe("pending");
    expect((await hub.byPlatform(second)).mastodon.attempts).toBe(0);
    await hub.dispatch();
    expect((await hub.byPlatform(second)).bluesky.status).toBe("published");
    hub.clock.advance(60_000);
    await hub.drain();
    const texts = postsOn("mastodon")
      .map((p) => p.text)
      .filter((t) => /Första|Andra/.test(t));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain("Första");
    expect(texts[1]).toContain("Andra");
  });

  test("auth and rights stop at once, flag the account, and its next delivery fails fast without a request", async () => {
    hub.sandbox.control("linkedin").revoke();
    const updateId = await hub.post("Vattnet är tillbaka på Storgatan.");
    await hub.dispatch();
    const row = (await hub.byPlatform(updateId)).linkedin;
    expect(row).toMatchObject({ status: "failed", failureClass: "auth", attempts: 1 });
    const [account] = await hub.deps.db.select().from(accounts).where(eq(accounts.id, hub.accountIds.linkedin));
    expect(account).toMatchObject({ rightsStatus: "failing", rightsClass: "auth" });

    const before = hub.sandbox.state("linkedin").requests.length;
    const next = await hub.post("Kokningsrådet gäller fortfarande.");
    await hub.dispatch();
    const blocked = (await hub.byPlatform(next)).linkedin;
    expect(blocked).toMatchObject({ status: "failed", failureClass: "auth" });
    expect(blocked.message).toContain("behörighetskontrollen");
    expect(hub.sandbox.state("linkedin").requests.length).toBe(before);
    await hub.deps.db
      .update(accounts)
      .set({ rightsStatus: "ok", rightsClass: null })
      .where(eq(accounts.id, hub.accountIds.linkedin));
  });

  test("retryable failures give up after the last attempt and show on the status", async () => {
    hub.sandbox.control("threads").failNext({ status: 500, times: 3 });
    const updateId = await hub.post("Information om vattenprover.");
    for (let i = 0; i < 3; i++) {
      await hub.dispatch({ maxAttempts: 2 });
      hub.clock.advance(3_600_000);
    }
    const row = (await hub.byPlatform(updateId)).threads;
    expect(row).toMatchObject({ status: "failed", failureClass: "retry", attempts: 2, backoffFailures: 2 });
    expect(row.message).toContain("gav upp efter 2 försök");

    // A person's retry starts afresh: its first failure waits a second again instead of giving up.
    const retried = await api(hub, hub.token).post(`/api/v1/deliveries/${row.id}/retry`);
    expect(retried.status).toBe(200);
    hub.sandbox.control("threads").failNext({ status: 500 });
    await hub.dispatch({ maxAttempts: 2 });
    const again = (await hub.byPlatform(updateId)).threads;
    expect(again).toMatchObject({ status: "pending", attempts: 1, backoffFailures: 1 });
    expect((again.nextAttemptAt as Date).getTime() - hub.clock.now().getTime()).toBe(1_500);
  });

  test("the kill switch holds every delivery; resuming sends them in order", async () => {
    const admin = api(hub, hub.token);
    const paused = await admin.post("/api/v1/deliveries/pause", { reason: "Fel text på väg ut" });
    expect(paused.status, paused.text).toBeLessThan(300);
    const updateId = await hub.post("Under pausen.");
    expect((await hub.dispatch()).claimed).toBe(0);
    expect((await dispatchDelivery(hub.deps, (await hub.byPlatform(updateId)).x.id, "queue")).claimed).toBe(0);
    await admin.post("/api/v1/deliveries/resume", {});
    await hub.dispatch();
    expect((await hub.byPlatform(updateId)).x.status).toBe("published");
  });

  test("dispatchDelivery sends exactly the one delivery it is given", async () => {
    const updateId = await hub.post("En enda leverans.");
    const rows = await hub.byPlatform(updateId);
    const report = await dispatchDelivery(hub.deps, rows.bluesky.id, "queue-consumer");
    expect(report.claimed).toBe(1);
    const after = await hub.byPlatform(updateId);
    expect(after.bluesky.status).toBe("published");
    expect(after.mastodon.status).toBe("pending");
    await hub.drain();
  });

  test("a farewell of a closing account goes out from its own text, with no update", async () => {
    const [farewell] = await hub.deps.db
      .insert(deliveries)
      .values({
        updateId: null,
        accountId: hub.accountIds.mastodon,
        kind: "farewell",
        sentText:
          "Det här kontot stängs. Tack för att du har följt oss! Allt finns på https://kris.exempel.se/channels",
        nextAttemptAt: hub.clock.now(),
        createdAt: hub.clock.now(),
        updatedAt: hub.clock.now(),
      })
      .returning();
    await hub.dispatch();
    const [row] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.id, farewell.id));
    expect(row.status, row.message ?? "").toBe("published");
    const posted = hub.sandbox.state("mastodon").posts.at(-1);
    expect(posted?.text).toContain("Det här kontot stängs.");
    expect(posted?.text).toContain("https://kris.exempel.se/channels");
    expect(posted?.replyTo).toBeUndefined();
  });
});
