// Claiming deliveries. One statement picks the due rows with FOR UPDATE SKIP LOCKED and leases
// them, so dispatchers in several processes never take the same row, and a row whose lease ran
// out (its dispatcher crashed mid-send) becomes claimable again.
import { sql } from "drizzle-orm";
import { type DbOrTx, rowsOf } from "../db/client";
import type { Deps } from "../deps";
import { type Delivery, deliveryOf } from "../domain/publishing/deliveries";

/**
 * Short, so a crashed dispatcher's rows are sent by another within seconds. A slow adapter call
 * (Instagram polls its container for up to ~20 s) keeps its row because the lease is renewed
 * while the call runs (heartbeat.ts). KRISKANAL_LEASE_MS sets it on Node.
 */
export const DEFAULT_LEASE_MS = 20_000;

export interface Claimed {
  delivery: Delivery;
  /** The row was "sending" under a lease that ran out: the earlier attempt may have reached the platform. */
  leaseExpired: boolean;
}

export interface ClaimOptions {
  limit: number;
  leaseMs?: number;
  /** Claim only these deliveries (a queue consumer processing one message). */
  ids?: string[];
}

/**
 * Due = pending and its time has come, or sending with an expired lease. Only the head of each
 * account's queue is due: a row waits while an earlier row of the same account is unfinished,
 * which keeps every account's posts in publication order without holding up other accounts.
 * Nothing is due while the organisation's kill switch is on. A publish runs the same statement
 * inside its transaction to lease what it wrote to this process's loop (handoff.ts).
 */
export async function claimDueDeliveries(
  deps: { db: DbOrTx; now: Deps["now"] },
  owner: string,
  options: ClaimOptions,
): Promise<Claimed[]> {
  if (options.limit <= 0 || (options.ids && !options.ids.length)) return [];
  const at = deps.now();
  const now = at.toISOString();
  const until = new Date(at.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString();
  const only = options.ids
    ? sql`and d.id in (${sql.join(
        options.ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  const result = await deps.db.execute(sql`
    with due as (
      select d.id, d.status as previous_status
      from deliveries d
      where ((d.status = 'pending' and d.next_attempt_at <= ${now}::timestamptz)
          or (d.status = 'sending' and d.lease_until <= ${now}::timestamptz))
        and not exists (select 1 from organisations o where o.deliveries_paused_at is not null)
        and not exists (
          select 1 from deliveries e
          where e.account_id = d.account_id and e.seq < d.seq and e.status in ('pending', 'sending')
        )
        ${only}
      order by d.seq
      limit ${options.limit}
      for update of d skip locked
    )
    update deliveries
    set status = 'sending', lease_owner = ${owner}, lease_until = ${until}::timestamptz,
        attempts = deliveries.attempts + 1, updated_at = ${now}::timestamptz
    from due
    where deliveries.id = due.id
    returning deliveries.*, due.previous_status as previous_status
  `);
  // The claimed rows come back whole from the one statement: no second query to read them.
  return rowsOf<Record<string, unknown>>(result)
    .map((row) => ({ delivery: deliveryOf(row), leaseExpired: row.previous_status === "sending" }))
    .sort((a, b) => a.delivery.seq - b.delivery.seq);
}
