// How often one address may be sent a confirmation. A sign-up over the limit is accepted and
// answered like any other, and nothing is sent: the page never tells whether an address is
// known, and nobody can use the form to flood someone's inbox or phone.
import { lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { subscriptionThrottle } from "../../db/schema";

export const SIGN_UP_WINDOW_MS = 24 * 3_600_000;
/** Confirmations per address and window. */
export const MAX_CONFIRMATIONS_PER_ADDRESS = 3;

/** Counts one sign-up for `key` and says whether it is within the limit. */
export async function admitSignUp(db: DbOrTx, key: string, now: Date): Promise<boolean> {
  const windowStart = new Date(now.getTime() - SIGN_UP_WINDOW_MS);
  await db.delete(subscriptionThrottle).where(lt(subscriptionThrottle.windowStartedAt, windowStart));
  const [row] = await db
    .insert(subscriptionThrottle)
    .values({ key, count: 1, windowStartedAt: now })
    .onConflictDoUpdate({ target: subscriptionThrottle.key, set: { count: sql`${subscriptionThrottle.count} + 1` } })
    .returning({ count: subscriptionThrottle.count });
  return row.count <= MAX_CONFIRMATIONS_PER_ADDRESS;
}
