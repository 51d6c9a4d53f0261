// Email and SMS owed to subscribers. A publish writes one row per confirmed subscriber in its own
// transaction (queueSubscriberMessages), so the update is on the website before anything is sent
// and no crash between commit and send loses a row. Rows are claimed with FOR UPDATE SKIP LOCKED
// under a lease, retried with the dispatcher's backoff, and sent no faster than each channel's
// per-minute limit, counted in the database so that several processes share one limit.
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { CHANNELS } from "../../channels/index";
import type { ChannelResult } from "../../channels/types";
import type { DbOrTx } from "../../db/client";
import { rowsOf } from "../../db/client";
import { claimDue, release, renewLease, retryLater } from "../../db/outbox";
import { SUBSCRIBER_CHANNELS, type SubscriberChannelKind, subscriberMessages, type UpdateKind } from "../../db/schema";
import type { Deps } from "../../deps";
import { updateUrl } from "../publishing/links";
import { getOrganisation } from "../publishing/organisation";
import { hideAddressIn, openAddress } from "./addresses";
import { eraseSubscriber } from "./erasure";
import { unsubscribePath } from "./paths";

export type OutboxDeps = Pick<Deps, "db" | "now" | "fetch" | "log" | "secretKey" | "config" | "mail">;

const LEASE_MS = 5 * 60_000;
const BATCH = 20;
const PARALLEL = 4;
/** Refusals in a row (bounces, unknown numbers) after which the subscription ends. */
export const MAX_HARD_FAILURES = 3;

/** In the publishing transaction: one message per confirmed subscriber of all incidents or of this one. */
export async function queueSubscriberMessages(
  tx: DbOrTx,
  update: { id: string },
  incidentId: string,
  now: Date,
): Promise<number> {
  const at = now.toISOString();
  const result = await tx.execute(sql`
    insert into subscriber_messages (subscriber_id, channel, update_id, next_attempt_at, created_at, updated_at)
    select s.id, s.channel, ${update.id}::uuid, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
    from subscribers s
    where s.status = 'confirmed' and (s.incident_id is null or s.incident_id = ${incidentId}::uuid)
    returning id
  `);
  return rowsOf(result).length;
}

interface ClaimedMessage {
  id: string;
  /** The lease owner it was claimed as. */
  owner: string;
  attempts: number;
  channel: SubscriberChannelKind;
  subscriber_id: string;
  address_sealed: string;
  language: string;
  update_id: string;
  number: number;
  kind: UpdateKind;
  body: string;
  translated: string | null;
  published_at: string | Date | null;
  withdrawn_at: string | Date | null;
  slug: string;
  title: string;
}

export interface OutboxReport {
  sent: number;
  failed: number;
  waiting: number;
}

/** Sends what is due on every channel, within each channel's rate; the rest waits for the next sweep. */
export async function sendDueSubscriberMessages(deps: OutboxDeps, owner: string): Promise<OutboxReport> {
  const report: OutboxReport = { sent: 0, failed: 0, waiting: 0 };
  // An erased subscriber's waiting messages are never sent.
  await deps.db.execute(sql`
    update subscriber_messages set status = 'cancelled', lease_owner = null, lease_until = null
    where subscriber_id is null and status in ('pending', 'sending')
  `);
  for (const channel of SUBSCRIBER_CHANNELS) {
    for (;;) {
      const budget = await remainingBudget(deps, channel);
      if (budget <= 0) break;
      const claimed = await claimDueMessages(deps, channel, owner, Math.min(BATCH, budget));
      if (!claimed.length) break;
      const org = await getOrganisation(deps.db);
      await eachInParallel(claimed, PARALLEL, async (message) => {
        const outcome = await sendOne(deps, org.name, message);
        if (outcome === "sent") report.sent++;
        else if (outcome === "failed") report.failed++;
        else if (outcome === "waiting") report.waiting++;
      });
      if (claimed.length < BATCH) break;
    }
  }
  return report;
}

async function remainingBudget(deps: OutboxDeps, channel: SubscriberChannelKind): Promise<number> {
  const limit = channel === "email" ? deps.config.mailRateLimit : deps.config.smsRateLimit;
  const since = new Date(deps.now().getTime() - 60_000).toISOString();
  const [row] = rowsOf<{ used: number }>(
    await deps.db.execute(sql`
      select count(*)::int as used from subscriber_messages
      where channel = ${channel}
        and ((sent_at > ${since}::timestamptz) or (status = 'sending' and updated_at > ${since}::timestamptz))
    `),
  );
  return limit - Number(row?.used ?? 0);
}

async function claimDueMessages(
  deps: OutboxDeps,
  channel: SubscriberChannelKind,
  owner: string,
  limit: number,
): Promise<ClaimedMessage[]> {
  const claimed = await claimDue(deps.db, subscriberMessages, {
    owner,
    now: deps.now(),
    leaseMs: LEASE_MS,
    limit,
    // An email or SMS received twice after a crash is better than one lost in a crisis.
    expiredLeases: "claim",
    where: and(eq(subscriberMessages.channel, channel), isNotNull(subscriberMessages.subscriberId)),
  });
  if (!claimed.length) return [];
  const found = rowsOf<Omit<ClaimedMessage, "owner" | "attempts" | "channel" | "subscriber_id" | "update_id">>(
    await deps.db.execute(sql`
      select m.id, s.address_sealed, s.language, u.number, u.kind, u.body, u.published_at, u.withdrawn_at,
        i.slug, i.title,
        (select t.body from update_translations t where t.update_id = u.id and t.language = s.language) as translated
      from subscriber_messages m
      join subscribers s on s.id = m.subscriber_id
      join updates u on u.id = m.update_id
      join incidents i on i.id = u.incident_id
      where m.id in (${sql.join(
        claimed.map((m) => sql`${m.id}::uuid`),
        sql`, `,
      )})
    `),
  );
  const byId = new Map(found.map((row) => [row.id, row]));
  const messages: ClaimedMessage[] = [];
  for (const m of claimed) {
    const details = byId.get(m.id);
    // Erased between the claim and this read: never sent, as the sweep would have it.
    if (!details || !m.subscriberId)
      await release(deps.db, subscriberMessages, { id: m.id, owner }, deps.now(), "cancelled");
    else
      messages.push({
        ...details,
        owner,
        attempts: m.attempts,
        channel: m.channel,
        subscriber_id: m.subscriberId,
        update_id: m.updateId,
      });
  }
  return messages;
}

type Outcome = "sent" | "failed" | "waiting" | "lost";

async function sendOne(deps: OutboxDeps, orgName: string, message: ClaimedMessage): Promise<Outcome> {
  // A batch behind a stalling SMTP server can take longer than one lease: each message's lease is
  // renewed as its turn comes, and one that was taken over meanwhile is not sent a second time.
  if (!(await renewLease(deps.db, subscriberMessages, message, deps.now(), LEASE_MS))) return lostLease(deps, message);
  if (message.withdrawn_at) {
    const text = "Uppdateringen drogs tillbaka innan den skickades.";
    if (!(await settle(deps, message, "cancelled", null, text))) return lostLease(deps, message);
    return "failed";
  }
  const { address, unsubscribeToken } = await openAddress(deps.secretKey, message.address_sealed);
  const channel = CHANNELS[message.channel];
  const translated = message.translated && message.language !== "sv";
  const composed = channel.composeUpdate(
    {
      orgName,
      incidentTitle: message.title,
      kind: message.kind,
      body: translated ? (message.translated ?? message.body) : message.body,
      language: translated ? message.language : "sv",
      permalink: updateUrl(deps.config.publicUrl, message.slug, Number(message.number)),
      unsubscribeUrl: `${deps.config.publicUrl}${unsubscribePath(unsubscribeToken)}`,
      publishedAt: new Date(message.published_at ?? deps.now()),
    },
    deps.config,
  );
  let result: ChannelResult;
  try {
    result = await channel.send(deps, address, composed);
  } catch (error) {
    result = { ok: false, class: "retry", message: String(error) };
  }
  const later = deps.now();
  if (result.ok) {
    if (!(await settle(deps, message, "sent", null, null, later))) return lostLease(deps, message);
    await deps.db.execute(sql`
      update subscribers set last_sent_at = ${later.toISOString()}::timestamptz, hard_failures = 0
      where id = ${message.subscriber_id}::uuid
    `);
    return "sent";
  }
  const text = hideAddressIn(result.message, address).slice(0, 500);
  deps.log.warn("a subscriber message failed", { channel: message.channel, class: result.class, message: text });
  if (result.class === "refused") {
    // Counted once: a sender that lost the row leaves the count to the one that holds it.
    if (!(await settle(deps, message, "refused", result.class, text))) return lostLease(deps, message);
    await countRefusal(deps, message.subscriber_id, message.channel);
    return "failed";
  }
  if (result.class === "invalid" || result.class === "unconfirmed") {
    const status = result.class === "invalid" ? "failed" : "unconfirmed";
    if (!(await settle(deps, message, status, result.class, text))) return lostLease(deps, message);
    return "failed";
  }
  const values = { failureClass: result.class, message: text, sentAt: null };
  const after = await retryLater(deps.db, subscriberMessages, message, later, values, result.retryAfterSeconds);
  if (!after) return lostLease(deps, message);
  return after.status === "failed" ? "failed" : "waiting";
}

/** A refusal counts against the subscriber; enough in a row end the subscription (and erase the address). */
async function countRefusal(deps: OutboxDeps, subscriberId: string, channel: SubscriberChannelKind) {
  const [row] = rowsOf<{ hard_failures: number }>(
    await deps.db.execute(sql`
      update subscribers set hard_failures = hard_failures + 1 where id = ${subscriberId}::uuid
      returning hard_failures
    `),
  );
  if (row && Number(row.hard_failures) >= MAX_HARD_FAILURES) {
    await deps.db.transaction((tx) => eraseSubscriber(tx, subscriberId, channel, "refused", deps.now()));
  }
}

/** Ends the attempt (undefined when the lease was lost); `sentAt` is written every time, so a row that was not sent keeps none. */
function settle(
  deps: OutboxDeps,
  claimed: ClaimedMessage,
  status: "sent" | "failed" | "refused" | "unconfirmed" | "cancelled",
  failureClass: string | null,
  message: string | null,
  sentAt?: Date,
) {
  const values = { failureClass, message, sentAt: sentAt ?? null };
  return release(deps.db, subscriberMessages, claimed, deps.now(), status, values);
}

/** The row was taken from this sender (its lease ran out, or the subscriber was erased): its outcome is not ours to write. */
function lostLease(deps: OutboxDeps, message: ClaimedMessage): Outcome {
  deps.log.warn("a subscriber message outlived its lease; its outcome is not recorded", {
    subscriberMessage: message.id,
  });
  return "lost";
}

async function eachInParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
