// Sending from the publishing process without a claim round. Where this process runs a dispatch
// loop, a publish leases the deliveries it may send at once to that loop inside its own
// transaction, and hands them over in memory once it has committed: the loop then sends them
// without first asking the database for them again.
//
// The lease is taken by the claim's own statement (claim.ts), so a handed-over row is due by
// exactly the rules a claimed one is: pending and due now, the kill switch off, and the head of
// its account's queue (so a later update waits for an earlier one, and a reply for its thread's
// first post). Rows it does not lease stay pending for the loop's ordinary claim. A leased row
// is "sending" under the loop's name like a claimed one: no other dispatcher takes it while the
// lease holds, and if this process dies before recording it, another takes it once the lease has
// run out and looks on the platform before anything is sent again.
import { sql } from "drizzle-orm";
import { type DbOrTx, rowsOf } from "../db/client";
import type { Delivery } from "../domain/publishing/deliveries";
import { type Claimed, claimDueDeliveries } from "./claim";
import type { KnownRows } from "./jobs";

export interface DeliveryHandoff {
  /** The loop's lease owner: its heartbeat renews, and its recorder writes, only rows of this name. */
  owner: string;
  leaseMs: number;
  /** Most rows one transaction leases; the rest wait for the loop's claim. */
  limit: number;
  /** After the commit: the leased rows, to be sent now, and what the transaction already read for them. */
  take(claimed: Claimed[], known?: KnownRows): void;
}

/**
 * Leases `queued` (rows this transaction wrote) to the handoff's loop where the claim would take
 * them. Call it last in the transaction, after the organisation's row is locked (a publish bumps
 * the public revision): a concurrent publish then either committed before this statement and is
 * seen by it, or commits after this one, as with a claim that runs after the commit.
 */
export async function leaseForHandoff(
  tx: DbOrTx,
  now: () => Date,
  handoff: DeliveryHandoff | undefined,
  queued: readonly Delivery[],
): Promise<Claimed[]> {
  if (!handoff || !queued.length) return [];
  return claimDueDeliveries({ db: tx, now }, handoff.owner, {
    limit: handoff.limit,
    leaseMs: handoff.leaseMs,
    ids: queued.map((d) => d.id),
  });
}

/** The rows as the transaction left them: leased ones "sending", the rest as inserted. */
export function withLeases(queued: Delivery[], leased: readonly Claimed[]): Delivery[] {
  if (!leased.length) return queued;
  const byId = new Map(leased.map((c) => [c.delivery.id, c.delivery]));
  return queued.map((d) => byId.get(d.id) ?? d);
}

/**
 * Gives handed-over rows back untouched (nothing was sent: the loop stopped, or their jobs could
 * not be loaded), so the next claim sends them as new rather than settling an attempt that never
 * happened. Only rows this owner still leases.
 */
export async function releaseLeases(db: DbOrTx, owner: string, ids: readonly string[]): Promise<number> {
  if (!ids.length) return 0;
  const result = await db.execute(sql`
    update deliveries
    set status = 'pending', lease_owner = null, lease_until = null, attempts = greatest(attempts - 1, 0)
    where id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})
      and lease_owner = ${owner} and status = 'sending'
    returning id
  `);
  return rowsOf(result).length;
}
