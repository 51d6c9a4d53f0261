// Deliveries are the outbox and the public record at once: one row per update and account,
// written in the same transaction as the update; the dispatcher works them off.
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, deliveries } from "../../db/schema";

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
  return tx
    .insert(deliveries)
    .values(
      targets.map((t) => ({
        updateId,
        accountId: t.accountId,
        kind,
        borrowed: t.borrowed,
        language: t.language ?? "sv",
        message: t.message ?? null,
        nextAttemptAt: t.nextAttemptAt ?? now,
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
