// Erasing a subscriber: the row with the sealed address goes, for good. What stays is a count per
// channel and reason (subscriber_tallies) and the outbox rows of what was sent, which hold no
// address. The audit log records the erasure by row id and reason, never the address or its hash.
import { and, eq, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { type SubscriberChannelKind, subscribers, subscriberTallies } from "../../db/schema";
import type { Deps } from "../../deps";
import { SYSTEM_ACTOR } from "../people/actor";
import { recordAudit } from "../records/audit";

export type ErasureReason = "unsubscribed" | "refused" | "quiet";

export async function eraseSubscriber(
  tx: DbOrTx,
  id: string,
  channel: SubscriberChannelKind,
  reason: ErasureReason,
  now: Date,
): Promise<boolean> {
  const gone = await tx.delete(subscribers).where(eq(subscribers.id, id)).returning({ status: subscribers.status });
  if (!gone.length) return false;
  await tallySubscriber(tx, `${channel}:${reason}`);
  await recordAudit(tx, SYSTEM_ACTOR, now, {
    action: "subscriber.erased",
    entityType: "subscriber",
    entityId: id,
    after: { channel, reason },
  });
  return true;
}

export async function tallySubscriber(tx: DbOrTx, key: string): Promise<void> {
  await tx
    .insert(subscriberTallies)
    .values({ key, count: 1 })
    .onConflictDoUpdate({ target: subscriberTallies.key, set: { count: sql`${subscriberTallies.count} + 1` } });
}

/**
 * Sign-ups never confirmed are erased when their link or code expires; a confirmed subscriber
 * who has been sent nothing for KRISKANAL_SUBSCRIBER_RETENTION_DAYS is erased too, since a
 * subscription nobody has needed for that long is personal data kept for nothing.
 */
export async function eraseStaleSubscribers(deps: Pick<Deps, "db" | "now" | "config">): Promise<number> {
  const now = deps.now();
  const pending = await deps.db
    .delete(subscribers)
    .where(and(eq(subscribers.status, "pending"), lt(subscribers.confirmExpiresAt, now)))
    .returning({ id: subscribers.id });
  const quietSince = new Date(now.getTime() - deps.config.subscriberRetentionDays * 86_400_000);
  const quiet = await deps.db
    .select({ id: subscribers.id, channel: subscribers.channel })
    .from(subscribers)
    .where(
      and(
        eq(subscribers.status, "confirmed"),
        or(
          lt(subscribers.lastSentAt, quietSince),
          and(sql`${subscribers.lastSentAt} is null`, lt(subscribers.confirmedAt, quietSince)),
        ),
      ),
    );
  for (const s of quiet) {
    await deps.db.transaction((tx) => eraseSubscriber(tx, s.id, s.channel, "quiet", now));
  }
  return pending.length + quiet.length;
}
