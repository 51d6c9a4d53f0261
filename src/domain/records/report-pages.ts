// The after-action report read a page at a time, for the archive (report-stream.ts): the same
// entries buildIncidentReport makes from the whole record, built by the same functions, from
// keyset pages of updates (with their deliveries and attempt rows), of the timeline, of the
// borrowings and of the translations. Only the accounts are kept between pages: an
// organisation has tens of them, an incident's record hundreds of thousands of rows.
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { anyOf } from "../../db/any-of";
import type { DbOrTx } from "../../db/client";
import { accounts, borrowings, deliveries, updates, updateTranslations } from "../../db/schema";
import type { Incident } from "../publishing/incidents";
import { keysetPages, readAhead } from "./archive-registers";
import { REPORTED_UPDATE, readNames, reportBorrowingOf, reportLanguageOf, reportUpdateOf } from "./incident-report";
import { historiesOf, REPORTED_DELIVERY } from "./report-deliveries";
import type {
  ReportAccount,
  ReportBorrowing,
  ReportFailure,
  ReportLanguage,
  ReportUpdate,
  TimelineEntry,
} from "./report-shape";
import { type AuditRow, readDeliveryAudit, readKillSwitch, readTimelinePage, toTimeline } from "./report-timeline";

/** Updates per page: each brings one delivery per account (and any edits), with their attempt rows. */
export const REPORT_PAGE_SIZE = 100;
/** Ids per IN list, well under the drivers' parameter limits. */
const IDS_PER_QUERY = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ReportReader {
  db: DbOrTx;
  incident: Incident;
  /** The end of an open incident's figures (the kill switch is read up to it). */
  now: Date;
  pageSize: number;
  accounts: Map<string, ReportAccount | null>;
}

export function reportReader(db: DbOrTx, incident: Incident, now: Date, pageSize = REPORT_PAGE_SIZE): ReportReader {
  return { db, incident, now, pageSize, accounts: new Map() };
}

/** The report's account lookup for these ids, loading those not seen yet. */
export async function accountLookup(reader: ReportReader, ids: Iterable<string | null>) {
  const missing = [...new Set([...ids].filter((id): id is string => !!id && !reader.accounts.has(id)))];
  for (let i = 0; i < missing.length; i += IDS_PER_QUERY) {
    const batch = missing.slice(i, i + IDS_PER_QUERY);
    const rows = await reader.db
      .select({ id: accounts.id, platform: accounts.platform, handle: accounts.handle })
      .from(accounts)
      .where(anyOf(accounts.id, batch, "uuid"));
    for (const id of batch) reader.accounts.set(id, null);
    for (const row of rows) reader.accounts.set(row.id, row);
  }
  return (id: string | null | undefined) => (id ? (reader.accounts.get(id) ?? null) : null);
}

/** The numbers of those of `ids` that are updates of this incident (as buildIncidentReport's map has them). */
async function updateNumbers(reader: ReportReader, ids: Iterable<string | null>): Promise<Map<string, number>> {
  const wanted = [...new Set([...ids].filter((id): id is string => !!id && UUID.test(id)))];
  const out = new Map<string, number>();
  for (let i = 0; i < wanted.length; i += IDS_PER_QUERY) {
    const rows = await reader.db
      .select({ id: updates.id, number: updates.number })
      .from(updates)
      .where(
        and(eq(updates.incidentId, reader.incident.id), anyOf(updates.id, wanted.slice(i, i + IDS_PER_QUERY), "uuid")),
      );
    for (const row of rows) out.set(row.id, row.number);
  }
  return out;
}

type ReportedUpdateRow = Pick<typeof updates.$inferSelect, keyof typeof REPORTED_UPDATE>;

/** The attempt histories of some deliveries of the incident, as historiesOf makes them. */
export async function auditOfDeliveries(reader: ReportReader, ids: string[]) {
  const audit: AuditRow[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    audit.push(...(await readDeliveryAudit(reader.db, reader.incident.id, ids.slice(i, i + IDS_PER_QUERY))));
  }
  // Rows of one delivery are in one batch, so each history keeps the audit log's order.
  return historiesOf(audit);
}

export interface UpdatePage {
  updates: ReportUpdate[];
  /** The failures among this page's deliveries, in the report's order. */
  failures: ReportFailure[];
}

/** The report's updates with their channels, by number, a page at a time. */
export function reportUpdatePages(reader: ReportReader): AsyncGenerator<UpdatePage> {
  const { db, incident, pageSize } = reader;
  const pages = keysetPages<ReportedUpdateRow>(pageSize, (last) =>
    db
      .select(REPORTED_UPDATE)
      .from(updates)
      .where(and(eq(updates.incidentId, incident.id), last ? gt(updates.number, last.number) : undefined))
      .orderBy(asc(updates.number))
      .limit(pageSize),
  );
  return readAhead(pages, async (page): Promise<UpdatePage> => {
    const deliveryRows = await db
      .select(REPORTED_DELIVERY)
      .from(deliveries)
      .where(
        anyOf(
          deliveries.updateId,
          page.map((u) => u.id),
          "uuid",
        ),
      )
      .orderBy(asc(deliveries.seq));
    const histories = await auditOfDeliveries(
      reader,
      deliveryRows.map((d) => d.id),
    );
    const accountOf = await accountLookup(
      reader,
      deliveryRows.map((d) => d.accountId),
    );
    const byUpdate = new Map<string | null, typeof deliveryRows>();
    for (const d of deliveryRows) {
      const list = byUpdate.get(d.updateId);
      if (list) list.push(d);
      else byUpdate.set(d.updateId, [d]);
    }
    const failures: ReportFailure[] = [];
    const reportUpdates = page.map((u) => reportUpdateOf(u, byUpdate.get(u.id) ?? [], accountOf, histories, failures));
    return { updates: reportUpdates, failures };
  });
}

/**
 * The timeline a page at a time: the incident's rows in toTimeline's order, with the kill switch
 * (a handful of rows, read whole) merged in where toTimeline's stable sort puts it, after the
 * incident's rows of the same millisecond.
 */
export async function* timelinePages(reader: ReportReader): AsyncGenerator<TimelineEntry[]> {
  const { db, incident, pageSize } = reader;
  const killSwitch = [...(await readKillSwitch(db, incident.openedAt, incident.closedAt ?? reader.now))]
    .map((row) => ({ row, at: row.at.toISOString() }))
    .sort((a, b) => a.at.localeCompare(b.at));
  const pages = keysetPages<AuditRow & { msAt: string }>(pageSize, (last) =>
    readTimelinePage(db, incident.id, last ? { at: last.msAt, id: last.id } : null, pageSize),
  );
  let k = 0;
  for await (const page of pages) {
    const rows: AuditRow[] = [];
    for (const row of page) {
      const at = row.at.toISOString();
      while (k < killSwitch.length && killSwitch[k].at.localeCompare(at) < 0) rows.push(killSwitch[k++].row);
      rows.push(row);
    }
    yield await timelineOf(reader, rows);
  }
  if (k < killSwitch.length)
    yield await timelineOf(
      reader,
      killSwitch.slice(k).map((s) => s.row),
    );
}

/** toTimeline of rows already in its order, with the lookups it needs for these rows only. */
async function timelineOf(reader: ReportReader, rows: AuditRow[]): Promise<TimelineEntry[]> {
  const retried = rows.filter((r) => r.action === "delivery.retried" && r.entityId && UUID.test(r.entityId));
  const deliveryUpdate = new Map<string, string | null>();
  const deliveryIds = retried.map((r) => r.entityId as string);
  for (let i = 0; i < deliveryIds.length; i += IDS_PER_QUERY) {
    const found = await reader.db
      .select({ id: deliveries.id, updateId: deliveries.updateId })
      .from(deliveries)
      .innerJoin(updates, eq(updates.id, deliveries.updateId))
      .where(
        and(
          eq(updates.incidentId, reader.incident.id),
          anyOf(deliveries.id, deliveryIds.slice(i, i + IDS_PER_QUERY), "uuid"),
        ),
      );
    for (const d of found) deliveryUpdate.set(d.id, d.updateId);
  }
  const updateIds = rows.map((row) => {
    if (row.entityType === "update") return row.entityId;
    if (row.action === "delivery.retried") return row.entityId ? (deliveryUpdate.get(row.entityId) ?? null) : null;
    const id = (row.after as Record<string, unknown> | null)?.updateId;
    return typeof id === "string" ? id : null;
  });
  const numbers = await updateNumbers(reader, updateIds);
  const accountOf = await accountLookup(
    reader,
    rows.map((r) => r.accountId),
  );
  return toTimeline(rows, {
    updateNumberOf: (id) => (id ? (numbers.get(id) ?? null) : null),
    accountOf,
    updateIdOfDelivery: (id) => (id ? (deliveryUpdate.get(id) ?? null) : null),
  });
}

/** The borrowings of the incident in time order (the id breaking ties), a page at a time. */
export async function* borrowingPages(reader: ReportReader): AsyncGenerator<ReportBorrowing[]> {
  const { db, incident, pageSize } = reader;
  // The cursor is the database's own text of the time: a Date would lose its microseconds.
  const cursor = sql<string>`${borrowings.createdAt}::text`;
  const pages = keysetPages<{ borrowing: typeof borrowings.$inferSelect; cursor: string }>(pageSize, (last) =>
    db
      .select({ borrowing: borrowings, cursor })
      .from(borrowings)
      .where(
        and(
          eq(borrowings.incidentId, incident.id),
          last
            ? sql`(${borrowings.createdAt}, ${borrowings.id}) > (${last.cursor}::timestamptz, ${last.borrowing.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(asc(borrowings.createdAt), asc(borrowings.id))
      .limit(pageSize),
  );
  for await (const page of pages) {
    const rows = page.map((p) => p.borrowing);
    const names = await readNames(
      db,
      rows.map((b) => b.personId),
    );
    const accountOf = await accountLookup(
      reader,
      rows.map((b) => b.accountId),
    );
    const numbers = await updateNumbers(
      reader,
      rows.map((b) => b.updateId),
    );
    yield rows.map((b) => reportBorrowingOf(b, names, accountOf, (id) => (id ? (numbers.get(id) ?? null) : null)));
  }
}

/** The translations by update and language, a page at a time. */
export async function* languagePages(reader: ReportReader): AsyncGenerator<ReportLanguage[]> {
  const { db, incident, pageSize } = reader;
  const pages = keysetPages<{
    translation: Pick<typeof updateTranslations.$inferSelect, "language" | "createdAt" | "createdBy">;
    number: number;
    publishedAt: Date | null;
  }>(pageSize, (last) =>
    db
      .select({
        translation: {
          language: updateTranslations.language,
          createdAt: updateTranslations.createdAt,
          createdBy: updateTranslations.createdBy,
        },
        number: updates.number,
        publishedAt: updates.publishedAt,
      })
      .from(updateTranslations)
      .innerJoin(updates, eq(updates.id, updateTranslations.updateId))
      .where(
        and(
          eq(updates.incidentId, incident.id),
          last
            ? sql`(${updates.number}, ${updateTranslations.language}) > (${last.number}, ${last.translation.language})`
            : undefined,
        ),
      )
      .orderBy(asc(updates.number), asc(updateTranslations.language))
      .limit(pageSize),
  );
  for await (const page of pages) {
    const names = await readNames(
      db,
      page.flatMap((p) => (p.translation.createdBy ? [p.translation.createdBy] : [])),
    );
    yield page.map((p) => reportLanguageOf(p.translation, p, names));
  }
}
