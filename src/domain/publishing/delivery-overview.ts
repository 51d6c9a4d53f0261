// Read-only views of the outbox for the people on duty: how far each update has got, and which
// deliveries need a person (failed, or retrying after an error).
import { and, count, desc, eq, gt, inArray, isNotNull, or } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, type DeliveryStatus, deliveries, incidents, updates } from "../../db/schema";

export type StatusCounts = Partial<Record<DeliveryStatus, number>>;

/** Deliveries per status for each update (publish deliveries only: edits follow them). */
export async function countDeliveriesByUpdate(db: DbOrTx, updateIds: string[]): Promise<Map<string, StatusCounts>> {
  const out = new Map<string, StatusCounts>();
  if (!updateIds.length) return out;
  const rows = await db
    .select({ updateId: deliveries.updateId, status: deliveries.status, n: count() })
    .from(deliveries)
    .where(and(inArray(deliveries.updateId, updateIds), eq(deliveries.kind, "publish")))
    .groupBy(deliveries.updateId, deliveries.status);
  for (const row of rows) {
    if (!row.updateId) continue;
    const counts = out.get(row.updateId) ?? {};
    counts[row.status] = Number(row.n);
    out.set(row.updateId, counts);
  }
  return out;
}

/** In active incidents: failed deliveries, and pending ones retrying after an error, newest first. */
export async function listDeliveriesNeedingAttention(db: DbOrTx, limit = 20) {
  return db
    .select({
      delivery: deliveries,
      platform: accounts.platform,
      handle: accounts.handle,
      updateNumber: updates.number,
      incidentTitle: incidents.title,
    })
    .from(deliveries)
    .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
    .innerJoin(updates, eq(updates.id, deliveries.updateId))
    .innerJoin(incidents, eq(incidents.id, updates.incidentId))
    .where(
      and(
        eq(incidents.status, "active"),
        or(
          eq(deliveries.status, "failed"),
          and(eq(deliveries.status, "pending"), gt(deliveries.attempts, 0), isNotNull(deliveries.failureClass)),
        ),
      ),
    )
    .orderBy(desc(deliveries.updatedAt))
    .limit(limit);
}
