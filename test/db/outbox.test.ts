// The claimer the outboxes beside deliveries share (src/db/outbox.ts), on websub_pushes, the
// outbox with the fewest foreign keys: the same statements serve every table. Two senders never
// take the same row, a row whose lease ran out comes back (or is settled, where it must not be
// sent again), nothing is taken before its time, every failed attempt waits the backoff, and a
// sender whose lease was taken over or settled ends nothing.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type OpenDatabase, openPostgres } from "../../src/db/open-node";
import { claimDue, release, retryLater, settleExpiredLeases } from "../../src/db/outbox";
import { websubPushes, websubSubscriptions } from "../../src/db/schema";
import { MAX_ATTEMPTS } from "../../src/dispatcher/backoff";
import { openTestDatabase, TEST_DATABASE_URL } from "../helpers/database";

const T0 = new Date("2026-03-01T08:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const LEASE_MS = 30_000;

let database: OpenDatabase & { url?: string };
let subscriptions: string[];

beforeAll(async () => {
  database = await openTestDatabase();
  const made = await database.db
    .insert(websubSubscriptions)
    .values(
      ["a", "b"].map((name) => ({
        topic: "https://kommun.example/feed.atom",
        callback: `https://reader.example/${name}`,
        leaseSeconds: 86_400,
        expiresAt: at(86_400),
        createdAt: T0,
        updatedAt: T0,
      })),
    )
    .returning({ id: websubSubscriptions.id });
  subscriptions = made.map((s) => s.id);
});
afterAll(() => database?.close());
beforeEach(async () => {
  await database.db.delete(websubPushes);
});

/** Rows due at the given seconds after T0, of the first subscription unless told. */
async function queue(dueAt: number[], subscriptionId = subscriptions[0]): Promise<string[]> {
  const rows = await database.db
    .insert(websubPushes)
    .values(dueAt.map((s) => ({ subscriptionId, nextAttemptAt: at(s), createdAt: T0, updatedAt: T0 })))
    .returning({ id: websubPushes.id });
  return rows.map((r) => r.id);
}

const claim = (
  db: OpenDatabase["db"],
  owner: string,
  now: Date,
  limit = 10,
  expiredLeases: "claim" | "leave" = "claim",
) => claimDue(db, websubPushes, { owner, now, leaseMs: LEASE_MS, limit, expiredLeases });

async function rowOf(id: string) {
  const [row] = await database.db.select().from(websubPushes).where(eq(websubPushes.id, id));
  return row;
}

describe("claiming", () => {
  test("two claimers at once never take the same row, and between them take every row", async () => {
    const ids = await queue(Array.from({ length: 40 }, (_, i) => -i));
    // On PostgreSQL the second claimer has its own pool, as a second process would.
    const second = TEST_DATABASE_URL ? await openPostgres(database.url as string, { migrate: false }) : undefined;
    const taken: Record<string, string[]> = { a: [], b: [] };
    const work = async (owner: "a" | "b", db: OpenDatabase["db"]) => {
      for (;;) {
        const claimed = await claim(db, owner, at(1), 3);
        if (!claimed.length) return;
        taken[owner].push(...claimed.map((r) => r.id));
      }
    };
    try {
      await Promise.all([work("a", database.db), work("b", second?.db ?? database.db)]);
    } finally {
      await second?.close();
    }
    expect(taken.a.filter((id) => taken.b.includes(id))).toEqual([]);
    expect([...taken.a, ...taken.b].sort()).toEqual([...ids].sort());
    const rows = await database.db.select().from(websubPushes);
    for (const row of rows) {
      expect(row).toMatchObject({ status: "sending", attempts: 1, leaseUntil: at(1 + LEASE_MS / 1000) });
      expect(taken[row.leaseOwner as "a" | "b"]).toContain(row.id);
    }
  });

  test.runIf(TEST_DATABASE_URL)("a row another claimer has locked is passed over, not waited for", async () => {
    const ids = await queue([0, -1, -2, -3, -4]);
    // Were the row waited for, this claimer would hang until its statement timeout.
    const second = await openPostgres(database.url as string, { migrate: false, statementTimeoutMs: 5_000 });
    try {
      await database.db.transaction(async (tx) => {
        const first = await claim(tx, "a", at(1), 2);
        expect(first.map((r) => r.id).sort()).toEqual([ids[4], ids[3]].sort());
        const other = await claim(second.db, "b", at(1), 10);
        expect(other.map((r) => r.id).sort()).toEqual(ids.slice(0, 3).sort());
      });
    } finally {
      await second.close();
    }
  });

  test("the row due longest goes first, and `where` narrows what is due", async () => {
    const [late, early] = await queue([-1, -3]);
    const [other] = await queue([-2], subscriptions[1]);
    expect((await claim(database.db, "a", T0, 1)).map((r) => r.id)).toEqual([early]);
    const narrowed = await claimDue(database.db, websubPushes, {
      owner: "a",
      now: T0,
      leaseMs: LEASE_MS,
      limit: 10,
      expiredLeases: "claim",
      where: eq(websubPushes.subscriptionId, subscriptions[1]),
    });
    expect(narrowed.map((r) => r.id)).toEqual([other]);
    expect((await claim(database.db, "a", T0)).map((r) => r.id)).toEqual([late]);
  });

  test("a row is not taken before its time, nor while another holds its lease", async () => {
    const [later] = await queue([60]);
    const [now] = await queue([0]);
    expect((await claim(database.db, "a", T0)).map((r) => r.id)).toEqual([now]);
    expect(await claim(database.db, "b", at(29))).toEqual([]);
    // The lease ends at T0 + 30 s: from then on the row is due again, and the claim counts again.
    const again = await claim(database.db, "b", at(30));
    expect(again).toMatchObject([{ id: now, attempts: 2, leaseOwner: "b", leaseUntil: at(60) }]);
    expect(await claim(database.db, "c", at(59.999))).toEqual([]);
    // At T0 + 60 s the later row's time has come, and b's lease has run out too.
    const both = await claim(database.db, "c", at(60));
    // The order rows come back in is the database's; the order they were picked in is tested above.
    expect(Object.fromEntries(both.map((r) => [r.id, r.attempts]))).toEqual({ [now]: 3, [later]: 1 });
  });

  test("an outbox that leaves run-out leases alone settles them instead, and only them", async () => {
    const [crashed, busy] = await queue([0, 20]);
    await claim(database.db, "crashed", T0);
    await claim(database.db, "busy", at(20));
    expect(await claim(database.db, "b", at(31), 10, "leave")).toEqual([]);
    await settleExpiredLeases(database.db, websubPushes, at(31), "failed", { message: "may have landed" });
    expect(await rowOf(crashed)).toMatchObject({
      status: "failed",
      message: "may have landed",
      leaseOwner: null,
      leaseUntil: null,
      attempts: 1,
      updatedAt: at(31),
    });
    expect(await rowOf(busy)).toMatchObject({ status: "sending", leaseOwner: "busy", message: null });
  });
});

describe("ending an attempt", () => {
  test("release gives up the lease with the outbox's own values and keeps the due time", async () => {
    const [id] = await queue([0]);
    await claim(database.db, "a", T0);
    const after = await release(database.db, websubPushes, { id, owner: "a" }, at(2), "delivered", { message: null });
    expect(after).toMatchObject({ status: "delivered", leaseOwner: null, leaseUntil: null, nextAttemptAt: T0 });
    expect(after?.updatedAt).toEqual(at(2));
    expect(await claim(database.db, "b", at(3600))).toEqual([]);
  });

  test("a retry waits the dispatcher's backoff, or the recipient's Retry-After, and the last attempt fails", async () => {
    const [id] = await queue([0]);
    const [first] = await claim(database.db, "a", T0);
    const retried = await retryLater(database.db, websubPushes, { ...first, owner: "a" }, at(5), {
      message: "HTTP 503",
    });
    expect(retried).toMatchObject({ status: "pending", attempts: 1, message: "HTTP 503", leaseOwner: null });
    const wait = (retried?.nextAttemptAt.getTime() ?? 0) - at(5).getTime();
    // Attempt 1 failed: a step of a second, jittered within [1 s, 2 s).
    expect(wait).toBeGreaterThanOrEqual(1_000);
    expect(wait).toBeLessThan(2_000);
    expect(await claim(database.db, "a", at(5.999))).toEqual([]);

    const [second] = await claim(database.db, "a", at(10));
    expect(second.attempts).toBe(2);
    const told = await retryLater(
      database.db,
      websubPushes,
      { ...second, owner: "a" },
      at(10),
      { message: "HTTP 429" },
      120,
    );
    const toldWait = (told?.nextAttemptAt.getTime() ?? 0) - at(10).getTime();
    expect(toldWait).toBeGreaterThanOrEqual(120_000);
    expect(toldWait).toBeLessThan(121_000);

    await database.db
      .update(websubPushes)
      .set({ attempts: MAX_ATTEMPTS - 1 })
      .where(eq(websubPushes.id, id));
    const [last] = await claim(database.db, "a", at(200));
    expect(last.attempts).toBe(MAX_ATTEMPTS);
    const gaveUp = await retryLater(database.db, websubPushes, { ...last, owner: "a" }, at(201), {
      message: "HTTP 503",
    });
    expect(gaveUp).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, leaseOwner: null, leaseUntil: null });
    expect(gaveUp?.nextAttemptAt).toEqual(told?.nextAttemptAt);
    expect(await claim(database.db, "b", at(86_400))).toEqual([]);
  });

  test("a sender whose lease was taken over ends nothing: the new holder's row, or the settlement, stands", async () => {
    const [taken, settled] = await queue([0, 0]);
    await claim(database.db, "a", T0, 2);
    // a hangs past its lease; b takes one row again, the other is settled (as inbox answers are).
    await claimDue(database.db, websubPushes, {
      owner: "b",
      now: at(30),
      leaseMs: LEASE_MS,
      limit: 1,
      expiredLeases: "claim",
      where: eq(websubPushes.id, taken),
    });
    await settleExpiredLeases(database.db, websubPushes, at(30), "failed", { message: "may have landed" });
    const before = { taken: await rowOf(taken), settled: await rowOf(settled) };
    expect(before.taken).toMatchObject({ status: "sending", leaseOwner: "b", attempts: 2 });
    expect(before.settled).toMatchObject({ status: "failed", leaseOwner: null });

    for (const id of [taken, settled]) {
      const held = { id, owner: "a", attempts: 1 };
      expect(await release(database.db, websubPushes, held, at(35), "delivered", { message: null })).toBeUndefined();
      expect(await retryLater(database.db, websubPushes, held, at(35), { message: "HTTP 503" })).toBeUndefined();
      expect(await release(database.db, websubPushes, held, at(35), "failed", { message: "x" })).toBeUndefined();
    }
    expect(await rowOf(taken)).toEqual(before.taken);
    expect(await rowOf(settled)).toEqual(before.settled);
    // The holder still ends its own attempt.
    const byB = await release(database.db, websubPushes, { id: taken, owner: "b" }, at(36), "delivered");
    expect(byB).toMatchObject({ id: taken, status: "delivered", leaseOwner: null });
  });
});
