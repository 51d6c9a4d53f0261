// The web push outbox: one row per push subscription and published update, claimed with
// FOR UPDATE SKIP LOCKED under a lease and retried with the dispatcher's backoff, like deliveries.
// Rows are written after the publish commits (fanOutPublishedUpdates): a publish with a hundred
// thousand subscribers must not hold the website's transaction. Every pass looks again for a
// recent update without rows, so a process that stopped between the commit and the fan-out
// loses nothing; one statement writes all of an update's rows, so "has rows" means "fanned out".
import { and, eq, sql } from "drizzle-orm";
import { composePushNotice, type PushOutcome, type PushTarget, sendPushNotice } from "../../channels/web-push";
import type { VapidKeyPair } from "../../channels/web-push-crypto";
import { rowsOf } from "../../db/client";
import { claimDue, release, retryLater } from "../../db/outbox";
import { incidents, pushMessages, pushSubscriptions, updates, updateTranslations } from "../../db/schema";
import type { Deps } from "../../deps";
import { openJson } from "../accounts/secrets";
import { updateUrl } from "./links";
import { getVapidKeys, vapidSubject } from "./web-push-keys";

export type WebPushDeps = Pick<Deps, "db" | "now" | "fetch" | "log" | "secretKey" | "config">;

/** Longer than a claimed batch can take (64 rows, 8 at a time, 10 s timeout each: 80 s), so no row is sent twice. */
const LEASE_MS = 180_000;
const CLAIM_LIMIT = 64;
/** Requests in flight at once: a crisis brings many subscribers, and each push service answers in its own time. */
const PARALLEL = 8;
/** Matches the notification's TTL: an update older than this is not news to fan out any more. */
const FAN_OUT_WINDOW_MS = 24 * 3600_000;
const MAX_ROUNDS = 1_000;

/** Writes the rows owed for recent published updates that have none; returns how many. */
export async function fanOutPublishedUpdates(deps: Pick<Deps, "db" | "now">): Promise<number> {
  const now = deps.now();
  const since = new Date(now.getTime() - FAN_OUT_WINDOW_MS).toISOString();
  const result = await deps.db.execute(sql`
    insert into push_messages (subscription_id, update_id, next_attempt_at, created_at, updated_at)
    select s.id, u.id, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
    from updates u
    join push_subscriptions s on (s.incident_id is null or s.incident_id = u.incident_id)
    where u.state = 'published' and u.withdrawn_at is null
      and u.published_at > ${since}::timestamptz
      -- A browser that subscribed after the update was published has seen the page already.
      and s.created_at <= u.published_at
      and not exists (select 1 from push_messages m where m.update_id = u.id)
    on conflict do nothing
    returning id
  `);
  return rowsOf(result).length;
}

type Claimed = typeof pushMessages.$inferSelect;

function claimDueMessages(deps: Pick<Deps, "db" | "now">, owner: string): Promise<Claimed[]> {
  return claimDue(deps.db, pushMessages, {
    owner,
    now: deps.now(),
    leaseMs: LEASE_MS,
    limit: CLAIM_LIMIT,
    // A notification shown twice after a crash is a small harm; one never shown is a larger one.
    expiredLeases: "claim",
  });
}

export interface PushRound {
  sent: number;
  failed: number;
  gone: number;
}

/** Fans out what is owed, then sends what is due: new rows, retries whose time has come, expired leases. */
export async function sendDueWebPushes(deps: WebPushDeps, owner: string): Promise<PushRound> {
  await fanOutPublishedUpdates(deps);
  const round: PushRound = { sent: 0, failed: 0, gone: 0 };
  let vapid: Promise<VapidKeyPair> | undefined;
  const keys = () => {
    vapid ??= getVapidKeys(deps);
    return vapid;
  };
  for (let i = 0; i < MAX_ROUNDS; i++) {
    const claimed = await claimDueMessages(deps, owner);
    if (!claimed.length) break;
    const queue = [...claimed];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await sendOne(deps, keys, next, owner, round);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, claimed.length) }, worker));
    if (claimed.length < CLAIM_LIMIT) break;
  }
  return round;
}

async function sendOne(
  deps: WebPushDeps,
  keys: () => Promise<VapidKeyPair>,
  row: Claimed,
  owner: string,
  round: PushRound,
): Promise<void> {
  const held = { id: row.id, owner, attempts: row.attempts };
  const prepared = row.subscriptionId ? await prepareMessage(deps, row.subscriptionId, row.updateId) : null;
  if (!prepared) {
    // Unsubscribed, or the update was withdrawn, before this row's turn came.
    ended(deps, await release(deps.db, pushMessages, held, deps.now(), "cancelled", { message: null }), row.id);
    return;
  }
  const outcome: PushOutcome = await sendPushNotice(
    {
      fetch: deps.fetch,
      now: deps.now,
      vapid: await keys(),
      subject: vapidSubject(deps),
    },
    prepared.target,
    prepared.notice,
    prepared.severity,
  );
  if (outcome.ok) {
    if (ended(deps, await release(deps.db, pushMessages, held, deps.now(), "sent", { message: null }), row.id))
      round.sent++;
    return;
  }
  if (outcome.class === "gone") {
    // The browser is gone for good, whoever holds the row now: forget it (its other rows lose the
    // link, keep their counts).
    await deps.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, prepared.subscriptionId));
    deps.log.info("a push subscription is gone and was removed", { pushMessage: row.id });
    const after = await release(deps.db, pushMessages, held, deps.now(), "gone", { message: outcome.message });
    if (ended(deps, after, row.id)) round.gone++;
    return;
  }
  const values = { message: outcome.message };
  const after =
    outcome.class === "invalid"
      ? await release(deps.db, pushMessages, held, deps.now(), "failed", values)
      : await retryLater(deps.db, pushMessages, held, deps.now(), values, outcome.retryAfter);
  if (ended(deps, after, row.id) && after?.status === "failed") {
    round.failed++;
    deps.log.warn("a push notification failed", { pushMessage: row.id, message: outcome.message });
  }
}

/** Whether the attempt's outcome was written; a sender whose lease was taken over says so and writes nothing. */
function ended(deps: Pick<WebPushDeps, "log">, after: unknown, id: string): boolean {
  if (!after) deps.log.warn("a web push outlived its lease; its outcome is not recorded", { pushMessage: id });
  return Boolean(after);
}

async function prepareMessage(deps: WebPushDeps, subscriptionId: string, updateId: string) {
  const [sub] = await deps.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, subscriptionId));
  const [found] = await deps.db
    .select({ update: updates, incident: incidents })
    .from(updates)
    .innerJoin(incidents, eq(incidents.id, updates.incidentId))
    .where(eq(updates.id, updateId));
  if (!sub || !found || found.update.withdrawnAt || found.update.state !== "published") return null;
  const [translation] =
    sub.language === "sv"
      ? []
      : await deps.db
          .select({ body: updateTranslations.body })
          .from(updateTranslations)
          .where(and(eq(updateTranslations.updateId, updateId), eq(updateTranslations.language, sub.language)));
  const target = await openJson<PushTarget>(deps.secretKey, sub.sealed);
  const notice = composePushNotice({
    incidentId: found.incident.id,
    incidentTitle: found.incident.title,
    body: translation?.body ?? found.update.body,
    permalink: updateUrl(deps.config.publicUrl, found.incident.slug, found.update.number),
    language: translation ? sub.language : "sv",
  });
  return { subscriptionId: sub.id, target, notice, severity: found.incident.severity };
}
