// Keeping a lease while an attempt runs. The lease is short so that a crashed dispatcher's rows
// come back within seconds; a slow call (Instagram polls its container, a platform that answers
// late) must not lose its row to another dispatcher meanwhile, so the lease is extended every
// few seconds for as long as the adapter call is in flight.
import { sql } from "drizzle-orm";
import { rowsOf } from "../db/client";
import type { Deps } from "../deps";

type LeaseDeps = Pick<Deps, "db" | "now" | "log">;

export interface Lease {
  owner: string;
  deliveryIds: string[];
  leaseMs: number;
  /** How often to extend; a quarter of the lease unless told, so three renewals may fail in a row. */
  everyMs?: number;
}

/** Extends the leases this owner still holds; returns the ids it still holds. */
export async function renewLeases(deps: Pick<Deps, "db" | "now">, lease: Lease): Promise<string[]> {
  if (!lease.deliveryIds.length) return [];
  const until = new Date(deps.now().getTime() + lease.leaseMs).toISOString();
  const result = await deps.db.execute(sql`
    update deliveries set lease_until = ${until}::timestamptz
    where id in (${sql.join(
      lease.deliveryIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})
      and lease_owner = ${lease.owner} and status = 'sending'
    returning id
  `);
  return rowsOf<{ id: string }>(result).map((r) => r.id);
}

/** Runs `work` while renewing the lease; the timer is cleared however the work ends. */
export async function withLeaseHeartbeat<T>(deps: LeaseDeps, lease: Lease, work: () => Promise<T>): Promise<T> {
  const everyMs = lease.everyMs ?? Math.max(250, Math.floor(lease.leaseMs / 4));
  let renewing = false;
  const timer = setInterval(() => {
    // A renewal that hangs (the database is slow) is not stacked on by the next tick.
    if (renewing) return;
    renewing = true;
    renewLeases(deps, lease)
      .then((held) => {
        if (held.length < lease.deliveryIds.length) {
          deps.log.warn("delivery lease lost while sending; the result will not be recorded by us", {
            deliveryIds: lease.deliveryIds.filter((id) => !held.includes(id)),
          });
        }
      })
      .catch((error) => deps.log.warn("could not renew a delivery lease", { error: String(error) }))
      .finally(() => {
        renewing = false;
      });
  }, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
