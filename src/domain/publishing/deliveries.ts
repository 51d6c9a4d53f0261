// Deliveries are the outbox and the public record at once: one row per update and account,
// written in the same transaction as the update; the dispatcher works them off.
import { and, asc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import { type DbOrTx, rowsOf } from "../../db/client";
import { accounts, deliveries, incidents, updates } from "../../db/schema";
import { ConflictError } from "../../errors";

export type Delivery = typeof deliveries.$inferSelect;

export interface EnqueueTarget {
  accountId: string;
  borrowed: boolean;
  /** The language the delivery carries (delivery-languages.ts); Swedish unless given. */
  language?: string;
  /** Later than now when the delivery waits for its translation. */
  nextAttemptAt?: Date;
  /** What the board shows while it waits. */
  message?: string | null;
}

export async function enqueueDeliveries(
  tx: DbOrTx,
  updateId: string,
  targets: EnqueueTarget[],
  kind: Delivery["kind"],
  now: Date,
): Promise<Delivery[]> {
  if (!targets.length) return [];
  await refuseExerciseToRealAccounts(
    tx,
    updateId,
    targets.map((t) => t.accountId),
  );
  // The rows travel as one JSON parameter: drizzle builds a hundred-row VALUES list (a fan-out's)
  // parameter by parameter, which took longer than the insert itself (bench:fanout's profile).
  const at = now.toISOString();
  const rows = targets.map((t) => ({
    account_id: t.accountId,
    borrowed: t.borrowed,
    language: t.language ?? "sv",
    message: t.message ?? null,
    next_attempt_at: (t.nextAttemptAt ?? now).toISOString(),
  }));
  const result = await tx.execute(sql`
    insert into deliveries (update_id, account_id, kind, borrowed, language, message, next_attempt_at, created_at, updated_at)
    select ${updateId}::uuid, v.account_id, ${kind}, v.borrowed, v.language, v.message, v.next_attempt_at,
      ${at}::timestamptz, ${at}::timestamptz
    from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as (account_id uuid, borrowed boolean, language text, message text, next_attempt_at timestamptz))
      with ordinality as v(account_id, borrowed, language, message, next_attempt_at, n)
    order by v.n
    returning *
  `);
  // In the order given, which is the order of seq (the per-account sending order).
  return rowsOf<Record<string, unknown>>(result)
    .map(deliveryOf)
    .sort((a, b) => a.seq - b.seq);
}

const DELIVERY_COLUMNS = Object.entries(getTableColumns(deliveries));

/** A raw row of `returning deliveries.*` as drizzle would map it (dates, numbers, JSON). */
export function deliveryOf(row: Record<string, unknown>): Delivery {
  const out: Record<string, unknown> = {};
  for (const [key, column] of DELIVERY_COLUMNS) {
    const value = row[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as Delivery;
}

/**
 * Every outbox row is written here, so this is where an exercise is kept off real accounts for
 * good: whatever a caller resolved, no publish, edit or retraction of an exercise is queued for an
 * account that is not an exercise account (targets.ts leaves such accounts out with a reason
 * first; the dispatcher and the gateway refuse them once more).
 */
async function refuseExerciseToRealAccounts(tx: DbOrTx, updateId: string, accountIds: string[]) {
  const real = await tx
    .select({ id: accounts.id, platform: accounts.platform, handle: accounts.handle })
    .from(updates)
    .innerJoin(incidents, eq(incidents.id, updates.incidentId))
    .innerJoin(accounts, and(inArray(accounts.id, accountIds), eq(accounts.exercise, false)))
    .where(and(eq(updates.id, updateId), eq(incidents.exercise, true)));
  if (real.length) {
    const names = real.map((r) => `${r.platform} ${r.handle}`).join(", ");
    throw new ConflictError(
      "exercise_account_required",
      `An exercise publishes only to exercise accounts; not to ${names}.`,
      { params: { accounts: names } },
    );
  }
}

export async function listDeliveriesOfUpdate(db: DbOrTx, updateId: string) {
  return db
    .select({ delivery: deliveries, platform: accounts.platform, handle: accounts.handle })
    .from(deliveries)
    .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
    .where(eq(deliveries.updateId, updateId))
    .orderBy(asc(deliveries.seq));
}

/** The API's view of a delivery. */
export function toDeliveryView(row: { delivery: Delivery; platform: string; handle?: string }) {
  const d = row.delivery;
  return {
    id: d.id,
    updateId: d.updateId,
    accountId: d.accountId,
    platform: row.platform,
    handle: row.handle,
    kind: d.kind,
    /** The language of the text it carries (BCP 47); a waiting delivery shows the one it waits for. */
    language: d.language,
    status: d.status,
    attempts: d.attempts,
    remoteId: d.remoteId,
    remoteUrl: d.remoteUrl,
    failureClass: d.failureClass,
    message: d.message,
    /** What was checked while it was unclear whether an attempt landed: lookups, and a person's word. */
    checks: d.settlement?.checks ?? [],
    borrowed: d.borrowed,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt : null,
    publishedAt: d.publishedAt,
    updatedAt: d.updatedAt,
  };
}
