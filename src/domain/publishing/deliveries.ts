// Deliveries are the outbox and the public record at once: one row per update and account,
// written in the same transaction as the update; the dispatcher works them off.
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, deliveries } from "../../db/schema";

export type Delivery = typeof deliveries.$inferSelect;

export async function enqueueDeliveries(
  tx: DbOrTx,
  updateId: string,
  targets: { accountId: string; borrowed: boolean }[],
  kind: Delivery["kind"],
  now: Date,
): Promise<Delivery[]> {
  if (!targets.length) return [];
  return tx
    .insert(deliveries)
    .values(
      targets.map((t) => ({
        updateId,
        accountId: t.accountId,
        kind,
        borrowed: t.borrowed,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning();
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
