// Reach: how many subscribers each channel to the public has, and how many messages each update
// caused per channel (sent, failed, still on their way). One entry per channel, summed the same
// way, so a channel joins by adding its entry to REACH_CHANNELS. Counts only: no endpoint,
// callback or address leaves this file.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { rowsOf } from "../../db/client";
import type { Deps } from "../../deps";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { feedOfTopic } from "./feed-document";

export interface MessageCounts {
  sent: number;
  failed: number;
  pending: number;
}

export interface SubscriberCounts {
  /** Subscribed to every incident (the site-wide feeds; notifications for all). */
  everything: number;
  /** Subscribed to one incident, by incident id. */
  incidents: Record<string, number>;
}

interface ReachScope {
  now: Date;
  publicUrl: string;
  incidentId?: string;
}

/** One channel to the public: its subscribers and its messages per update. */
export interface ReachChannel {
  channel: string;
  subscribers(db: DbOrTx, scope: ReachScope): Promise<SubscriberCounts>;
  messagesPerUpdate(db: DbOrTx, scope: ReachScope): Promise<Map<string, MessageCounts>>;
}

const websubReach: ReachChannel = {
  channel: "websub",
  async subscribers(db, scope) {
    const rows = rowsOf<{ topic: string; n: number }>(
      await db.execute(sql`
        select topic, count(*)::int as n from websub_subscriptions
        where expires_at > ${scope.now.toISOString()}::timestamptz group by topic
      `),
    );
    const counts: SubscriberCounts = { everything: 0, incidents: {} };
    const bySlug = new Map<string, number>();
    for (const row of rows) {
      const feed = feedOfTopic(scope.publicUrl, row.topic);
      if (!feed) continue;
      if (!feed.slug) counts.everything += Number(row.n);
      else bySlug.set(feed.slug, (bySlug.get(feed.slug) ?? 0) + Number(row.n));
    }
    if (bySlug.size) {
      const slugs = rowsOf<{ id: string; slug: string }>(
        await db.execute(
          sql`select id, slug from incidents where slug in (${sql.join(
            [...bySlug.keys()].map((s) => sql`${s}`),
            sql`, `,
          )})`,
        ),
      );
      for (const { id, slug } of slugs) counts.incidents[id] = bySlug.get(slug) ?? 0;
    }
    return counts;
  },
  messagesPerUpdate: (db, scope) =>
    countPerUpdate(db, scope, "websub_pushes", {
      delivered: "sent",
      failed: "failed",
      pending: "pending",
      sending: "pending",
    }),
};

const webPushReach: ReachChannel = {
  channel: "web_push",
  subscribers: (db) =>
    countByIncident(db, sql`select incident_id, count(*)::int as n from push_subscriptions group by incident_id`),
  // A browser that turned out to be gone (404/410) counts as failed; a withdrawn update's
  // cancelled rows never went out and are not counted.
  messagesPerUpdate: (db, scope) =>
    countPerUpdate(db, scope, "push_messages", {
      sent: "sent",
      failed: "failed",
      gone: "failed",
      pending: "pending",
      sending: "pending",
    }),
};

/** Email and SMS subscribers: confirmed ones only (a pending sign-up is sent nothing). */
function subscriberReach(channel: "email" | "sms"): ReachChannel {
  return {
    channel,
    subscribers: (db) =>
      countByIncident(
        db,
        sql`select incident_id, count(*)::int as n from subscribers
            where channel = ${channel} and status = 'confirmed' group by incident_id`,
      ),
    // A refusal and a lost answer count as failed; a withdrawn update's cancelled rows never went out.
    messagesPerUpdate: (db, scope) =>
      countPerUpdate(
        db,
        scope,
        "subscriber_messages",
        {
          sent: "sent",
          failed: "failed",
          refused: "failed",
          unconfirmed: "failed",
          pending: "pending",
          sending: "pending",
        },
        channel,
      ),
  };
}

/** Every channel to the public, one entry each, summed the same way. */
export const REACH_CHANNELS: readonly ReachChannel[] = [
  websubReach,
  webPushReach,
  subscriberReach("email"),
  subscriberReach("sms"),
];

/** Subscriptions per incident, from rows of (incident_id, n); a null incident means all of them. */
async function countByIncident(db: DbOrTx, query: SQL): Promise<SubscriberCounts> {
  const rows = rowsOf<{ incident_id: string | null; n: number }>(await db.execute(query));
  const counts: SubscriberCounts = { everything: 0, incidents: {} };
  for (const row of rows) {
    if (row.incident_id) counts.incidents[row.incident_id] = Number(row.n);
    else counts.everything = Number(row.n);
  }
  return counts;
}

async function countPerUpdate(
  db: DbOrTx,
  scope: ReachScope,
  table: "websub_pushes" | "push_messages" | "subscriber_messages",
  meaning: Record<string, keyof MessageCounts>,
  channel?: string,
): Promise<Map<string, MessageCounts>> {
  const rows = rowsOf<{ update_id: string; status: string; n: number }>(
    await db.execute(sql`
      select m.update_id, m.status, count(*)::int as n
      from ${sql.identifier(table)} m join updates u on u.id = m.update_id
      where ${scope.incidentId ? sql`u.incident_id = ${scope.incidentId}::uuid` : sql`true`}
        ${channel ? sql`and m.channel = ${channel}` : sql``}
      group by m.update_id, m.status
    `),
  );
  const out = new Map<string, MessageCounts>();
  for (const row of rows) {
    const key = meaning[row.status];
    if (!key) continue;
    const counts = out.get(row.update_id) ?? { sent: 0, failed: 0, pending: 0 };
    counts[key] += Number(row.n);
    out.set(row.update_id, counts);
  }
  return out;
}

export const ReachQuery = z.object({ incident: z.string().uuid("must be an incident id").optional() });

export interface UpdateReach {
  updateId: string;
  incidentId: string;
  number: number;
  channels: Record<string, MessageCounts>;
  total: MessageCounts;
}

export interface Reach {
  incidentId: string | null;
  subscribers: Record<string, SubscriberCounts> & { total: SubscriberCounts };
  updates: UpdateReach[];
}

const zero = (): MessageCounts => ({ sent: 0, failed: 0, pending: 0 });

/** The reach of every channel, for one incident or all; for staff who may see it. */
export async function getReach(deps: Pick<Deps, "db" | "now" | "config">, actor: Actor, raw: unknown): Promise<Reach> {
  requireCan(actor, "reach.read");
  return countReach(deps, ReachQuery.parse(raw));
}

/** The counts themselves, for a caller that has already been authorised (the after-action report). */
export async function countReach(
  deps: Pick<Deps, "db" | "now" | "config">,
  query: z.infer<typeof ReachQuery>,
): Promise<Reach> {
  const scope: ReachScope = { now: deps.now(), publicUrl: deps.config.publicUrl, incidentId: query.incident };
  const total: SubscriberCounts = { everything: 0, incidents: {} };
  const subscribers: Record<string, SubscriberCounts> = {};
  const perChannel = new Map<string, Map<string, MessageCounts>>();
  for (const channel of REACH_CHANNELS) {
    const counts = await channel.subscribers(deps.db, scope);
    if (query.incident) counts.incidents = { [query.incident]: counts.incidents[query.incident] ?? 0 };
    subscribers[channel.channel] = counts;
    total.everything += counts.everything;
    for (const [id, n] of Object.entries(counts.incidents)) total.incidents[id] = (total.incidents[id] ?? 0) + n;
    perChannel.set(channel.channel, await channel.messagesPerUpdate(deps.db, scope));
  }
  const ids = new Set([...perChannel.values()].flatMap((m) => [...m.keys()]));
  const listed = rowsOf<{ id: string; incident_id: string; number: number }>(
    await deps.db.execute(sql`
      select id, incident_id, number from updates
      where ${
        query.incident
          ? sql`incident_id = ${query.incident}::uuid and state = 'published'`
          : ids.size
            ? sql`id in (${sql.join(
                [...ids].map((id) => sql`${id}::uuid`),
                sql`, `,
              )})`
            : sql`false`
      }
      order by published_at desc nulls last, number desc
    `),
  );
  const updates = listed.map((u) => {
    const channels: Record<string, MessageCounts> = {};
    const sum = zero();
    for (const channel of REACH_CHANNELS) {
      const counts = perChannel.get(channel.channel)?.get(u.id) ?? zero();
      channels[channel.channel] = counts;
      sum.sent += counts.sent;
      sum.failed += counts.failed;
      sum.pending += counts.pending;
    }
    return { updateId: u.id, incidentId: u.incident_id, number: Number(u.number), channels, total: sum };
  });
  return {
    incidentId: query.incident ?? null,
    subscribers: { ...subscribers, total } as Reach["subscribers"],
    updates,
  };
}
