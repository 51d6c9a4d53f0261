// The figures the archive's report needs before its rows (report-stream.ts), counted by the
// database rather than by reading every delivery once more: deliveries per final status, the
// website-to-channel times as (milliseconds, how many), the slowest channel of each update, and
// the few deliveries that may have failed. Each follows the rule of toChannel and toFailure
// (report-deliveries.ts); the test that compares the streamed report with the whole one holds
// them to it.
import { and, asc, eq, sql } from "drizzle-orm";
import { type DeliveryStatus, deliveries, updates } from "../../db/schema";
import { keysetPages } from "./archive-registers";
import { reportUpdateOf } from "./incident-report";
import { REPORTED_DELIVERY } from "./report-deliveries";
import { accountLookup, auditOfDeliveries, type ReportReader } from "./report-pages";
import type { ReportFailure, ReportSummary } from "./report-shape";

/** What toChannel times a delivery from: the update for a first post, else the delivery itself. */
const STARTED = sql`case when ${deliveries.kind} = 'publish' then ${updates.publishedAt} else ${deliveries.createdAt} end`;
/** publishedAt minus the start in whole milliseconds, as the drivers' Dates (truncated to ms) give it. */
const MILLISECONDS = sql`round((extract(epoch from date_trunc('milliseconds', ${deliveries.publishedAt})) - extract(epoch from date_trunc('milliseconds', ${STARTED}))) * 1000)`;
/** A first post (a farewell counts as one) that is out, with a time: it has a secondsToChannel. */
const TIMED = sql`${deliveries.kind} in ('publish', 'farewell') and ${deliveries.status} = 'published' and ${deliveries.publishedAt} is not null and ${STARTED} is not null`;

export async function updateCounts(reader: ReportReader): Promise<ReportSummary["updates"]> {
  const [row] = await reader.db
    .select({
      total: sql<number>`count(*)::int`,
      published: sql<number>`(count(*) filter (where ${updates.state} = 'published'))::int`,
      edited: sql<number>`(count(*) filter (where ${updates.revision} > 1))::int`,
      withdrawn: sql<number>`(count(*) filter (where ${updates.withdrawnAt} is not null))::int`,
      rejected: sql<number>`(count(*) filter (where ${updates.state} = 'rejected'))::int`,
      waiting: sql<number>`(count(*) filter (where ${updates.state} = 'pending_approval'))::int`,
    })
    .from(updates)
    .where(eq(updates.incidentId, reader.incident.id));
  return row;
}

const ofIncident = (reader: ReportReader) => eq(updates.incidentId, reader.incident.id);

export async function deliveriesByStatus(reader: ReportReader): Promise<{ status: DeliveryStatus; n: number }[]> {
  return reader.db
    .select({ status: deliveries.status, n: sql<number>`count(*)::int` })
    .from(deliveries)
    .innerJoin(updates, eq(updates.id, deliveries.updateId))
    .where(ofIncident(reader))
    .groupBy(deliveries.status);
}

/** Seconds to the channel (Math.round of the milliseconds, as secondsBetween) and how many took them. */
export async function timesToChannel(reader: ReportReader): Promise<{ seconds: number; n: number }[]> {
  const rows = await reader.db
    .select({ ms: sql<number>`${MILLISECONDS}::float8`, n: sql<number>`count(*)::int` })
    .from(deliveries)
    .innerJoin(updates, eq(updates.id, deliveries.updateId))
    .where(and(ofIncident(reader), TIMED))
    .groupBy(MILLISECONDS);
  return rows.map((r) => ({ seconds: Math.round(Number(r.ms) / 1000), n: Number(r.n) }));
}

/**
 * Each update's slowest timed first post, the first in queue order on a tie (as the chart's
 * reduce picks it), in update order. floor((ms + 500) / 1000) is Math.round(ms / 1000) for whole ms.
 */
export async function slowestPerUpdate(
  reader: ReportReader,
): Promise<{ number: number; accountId: string; seconds: number }[]> {
  const rows = await reader.db
    .selectDistinctOn([updates.number], {
      number: updates.number,
      accountId: deliveries.accountId,
      ms: sql<number>`${MILLISECONDS}::float8`,
    })
    .from(deliveries)
    .innerJoin(updates, eq(updates.id, deliveries.updateId))
    .where(and(ofIncident(reader), TIMED))
    .orderBy(asc(updates.number), sql`floor((${MILLISECONDS} + 500) / 1000) desc`, asc(deliveries.seq));
  return rows.map((r) => ({ number: r.number, accountId: r.accountId, seconds: Math.round(Number(r.ms) / 1000) }));
}

/**
 * The failures, in the report's order, a page at a time. The database picks every delivery that
 * can be one (failed now, a failure class, a settlement, or an attempt row with a failure class);
 * toFailure decides, from the same rows as the whole report.
 */
export async function* failurePages(reader: ReportReader): AsyncGenerator<ReportFailure[]> {
  const { db, incident } = reader;
  const size = reader.pageSize * 20;
  const mayHaveFailed = sql`(${deliveries.failureClass} is not null or ${deliveries.status} = 'failed' or ${deliveries.settlement} is not null or exists (
    select 1 from audit_log a where a.entity_id = ${deliveries.id}::text and a.incident_id = ${incident.id}::uuid
      and a.entity_type = 'delivery' and a.actor_id is null and a.action <> 'delivery.retried'
      and a.after->>'failureClass' is not null))`;
  const pages = keysetPages<{
    delivery: { [K in keyof typeof REPORTED_DELIVERY]: (typeof deliveries.$inferSelect)[K] };
    seq: number;
    number: number;
    publishedAt: Date | null;
  }>(size, (last) =>
    db
      .select({
        delivery: REPORTED_DELIVERY,
        seq: deliveries.seq,
        number: updates.number,
        publishedAt: updates.publishedAt,
      })
      .from(deliveries)
      .innerJoin(updates, eq(updates.id, deliveries.updateId))
      .where(
        and(
          ofIncident(reader),
          mayHaveFailed,
          last ? sql`(${updates.number}, ${deliveries.seq}) > (${last.number}, ${last.seq})` : undefined,
        ),
      )
      .orderBy(asc(updates.number), asc(deliveries.seq))
      .limit(size),
  );
  for await (const page of pages) {
    const histories = await auditOfDeliveries(
      reader,
      page.map((p) => p.delivery.id),
    );
    const accountOf = await accountLookup(
      reader,
      page.map((p) => p.delivery.accountId),
    );
    const failures: ReportFailure[] = [];
    for (const p of page) {
      // One update with only this delivery: reportUpdateOf keeps the failure, the channel is dropped.
      reportUpdateOf(
        { ...UPDATE_FILLER, number: p.number, publishedAt: p.publishedAt },
        [p.delivery],
        accountOf,
        histories,
        failures,
      );
    }
    if (failures.length) yield failures;
  }
}

/** The parts of an update toFailure does not read. */
const UPDATE_FILLER = {
  id: "",
  kind: "update" as const,
  state: "published" as const,
  author: { name: "" },
  revision: 1,
  createdAt: new Date(0),
  editedAt: null,
  withdrawnAt: null,
  withdrawnReason: null,
};
