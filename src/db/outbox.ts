// The outboxes beside deliveries (WebSub pushes, web push, subscriber email and SMS, inbox
// answers) share one way of being worked: a row is claimed with FOR UPDATE SKIP LOCKED under a
// lease, so senders in several processes never take the same row; each claim counts an attempt;
// a failed attempt is tried again after the dispatcher's backoff until MAX_ATTEMPTS. What differs
// between them is a parameter: the batch, the lease, a filter, and what a run-out lease means.
// A sender claims no more than it can send before the lease runs out, or renews each row's lease
// just before its send (renewLease), and writes an attempt's outcome only while the lease is still
// its own: once it ran out, the row may be another sender's, or settled, and that owner's word is
// the one that stands.
import { and, eq, inArray, lte, or, type SQL, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { MAX_ATTEMPTS, nextAttemptAt } from "../dispatcher/backoff";
import type { DbOrTx } from "./client";
import type { inboxAnswers, pushMessages, subscriberMessages, websubPushes } from "./schema";

export type OutboxTable = typeof websubPushes | typeof pushMessages | typeof subscriberMessages | typeof inboxAnswers;
export type OutboxRow<T extends OutboxTable> = T["$inferSelect"];
/** Columns an outbox sets beside its status when an attempt ends (message, failure class, remote id...). */
export type OutboxValues<T extends OutboxTable> = Omit<
  PgUpdateSetSource<T>,
  "status" | "leaseOwner" | "leaseUntil" | "updatedAt" | "attempts"
>;

export interface ClaimOptions {
  owner: string;
  now: Date;
  leaseMs: number;
  limit: number;
  /**
   * A row still "sending" after its lease ran out lost its sender mid-attempt. "claim" takes it
   * again (the attempt is repeated, counted as the next one); "leave" never does, for an outbox
   * whose repeated attempt could be seen twice in public: settle those with settleExpiredLeases.
   */
  expiredLeases: "claim" | "leave";
  /** Narrows what is due (one channel, rows that still have a recipient). */
  where?: SQL;
}

/** Claims up to `limit` due rows, oldest due first, for `owner` until now + leaseMs; returns them leased. */
export async function claimDue<T extends OutboxTable>(
  db: DbOrTx,
  table: T,
  options: ClaimOptions,
): Promise<OutboxRow<T>[]> {
  if (options.limit <= 0) return [];
  const t = table as OutboxTable;
  const pendingDue = and(eq(t.status, "pending"), lte(t.nextAttemptAt, options.now));
  const due = options.expiredLeases === "claim" ? or(pendingDue, leaseRanOut(t, options.now)) : pendingDue;
  const picked = db
    .$with("due")
    .as(
      db
        .select({ id: t.id })
        .from(t)
        .where(and(due, options.where))
        .orderBy(t.nextAttemptAt)
        .limit(options.limit)
        .for("update", { skipLocked: true }),
    );
  const rows = await db
    .with(picked)
    .update(t)
    .set({
      status: "sending",
      leaseOwner: options.owner,
      leaseUntil: new Date(options.now.getTime() + options.leaseMs),
      attempts: sql`${t.attempts} + 1`,
      updatedAt: options.now,
    })
    .where(inArray(t.id, db.select({ id: picked.id }).from(picked)))
    .returning();
  return rows as OutboxRow<T>[];
}

/** Rows an owner never finished: "sending" with a lease that is over. */
function leaseRanOut(t: OutboxTable, now: Date) {
  return and(eq(t.status, "sending"), lte(t.leaseUntil, now));
}

/**
 * For an outbox that leaves run-out leases alone: ends those rows with `values` (typically failed,
 * unconfirmed) so that a person looks before anything is sent again.
 */
export async function settleExpiredLeases<T extends OutboxTable>(
  db: DbOrTx,
  table: T,
  now: Date,
  status: OutboxRow<T>["status"],
  values: OutboxValues<T>,
): Promise<void> {
  const t = table as OutboxTable;
  await db
    .update(t)
    .set({ ...loose(values), status, leaseOwner: null, leaseUntil: null, updatedAt: now })
    .where(leaseRanOut(t, now));
}

/** A claimed row as its sender knows it: which row, and the lease owner it was claimed as. */
export interface HeldLease {
  id: string;
  owner: string;
}

/**
 * Holds a claimed row for `leaseMs` more, just before its send, so a batch sent one after another
 * cannot outlast its lease. False when the lease is no longer this sender's (it ran out and the
 * row was claimed again, or settled): then this sender must not send it at all.
 */
export async function renewLease(
  db: DbOrTx,
  table: OutboxTable,
  lease: HeldLease,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const t = table as OutboxTable;
  const rows = await db
    .update(t)
    .set({ leaseUntil: new Date(now.getTime() + leaseMs), updatedAt: now })
    .where(and(eq(t.id, lease.id), eq(t.leaseOwner, lease.owner), eq(t.status, "sending")))
    .returning({ id: t.id });
  return rows.length > 0;
}

/**
 * Ends an attempt: the row leaves "sending" with `status` and `values`, and its lease is given up;
 * the row as written. Only while `lease` still holds the row: a sender whose lease ran out and was
 * taken (claimed again, or settled by settleExpiredLeases) gets undefined and writes nothing, so
 * the outcome of the one attempt that still holds the row (or the settlement) stands.
 */
export async function release<T extends OutboxTable>(
  db: DbOrTx,
  table: T,
  lease: HeldLease,
  now: Date,
  status: OutboxRow<T>["status"],
  values?: OutboxValues<T>,
): Promise<OutboxRow<T> | undefined> {
  const t = table as OutboxTable;
  const [row] = await db
    .update(t)
    .set({ ...loose(values), status, leaseOwner: null, leaseUntil: null, updatedAt: now })
    .where(and(eq(t.id, lease.id), eq(t.leaseOwner, lease.owner), eq(t.status, "sending")))
    .returning();
  return row as OutboxRow<T> | undefined;
}

/**
 * A retryable failure of the claimed row's attempt number `attempts`: pending again after the
 * dispatcher's backoff (the recipient's Retry-After wins), or failed once MAX_ATTEMPTS were made.
 * Like release, only while the lease still holds the row (undefined otherwise).
 */
export async function retryLater<T extends OutboxTable>(
  db: DbOrTx,
  table: T,
  claimed: HeldLease & { attempts: number },
  now: Date,
  values: OutboxValues<T>,
  retryAfterSeconds?: number,
): Promise<OutboxRow<T> | undefined> {
  if (claimed.attempts >= MAX_ATTEMPTS) return release(db, table, claimed, now, "failed", values);
  const next = nextAttemptAt(now, claimed.attempts, retryAfterSeconds);
  return release(db, table, claimed, now, "pending", { ...loose(values), nextAttemptAt: next } as OutboxValues<T>);
}

/** One table's values seen as the union's: each caller's values were checked against its own table. */
function loose<T extends OutboxTable>(values: OutboxValues<T> | undefined): OutboxValues<OutboxTable> {
  return (values ?? {}) as OutboxValues<OutboxTable>;
}
