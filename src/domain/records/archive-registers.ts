// The registers of an export: one definition per table gives both the CSV register and the
// canonical JSON records. Rows are read in keyset pages, never all at once.
import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lte, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { CsvColumn, CsvValue } from "../../archive/csv";
import type { DbOrTx } from "../../db/client";
import {
  accounts,
  auditLog,
  borrowings,
  deliveries,
  incidents,
  people,
  removals,
  snapshots,
  updateRevisions,
  updates,
} from "../../db/schema";
import type { Incident } from "../publishing/incidents";
import { updateUrl } from "../publishing/links";
import { ACCOUNT_RECORD_COLUMNS, SNAPSHOT_SUMMARY_COLUMNS } from "./account-record";
import { inboxAnswersRegister, inboxItemsRegister } from "./inbox-registers";
import { batchLines, type SqlColumn } from "./register-sql";
import { REMOVAL_REASON_TEXT, type RemovalReason } from "./removals";

export const PAGE_SIZE = 500;
/** Updates per deliveries query: each brings one delivery per account (and any edits). */
const DELIVERY_BATCH = 100;

export interface ExportScope {
  /** Ordered by opening time. */
  incidents: Incident[];
  /** Set for an organisation export: removals, farewells, snapshots and the audit log by time. */
  period?: { from: Date; to: Date };
  publicUrl: string;
}

/** `Register` alone is any register: a column's value is a method, so a Register<Row> counts as one. */
export interface Register<T = unknown> {
  name: string;
  columns: CsvColumn<T>[];
  rows(db: DbOrTx, scope: ExportScope): AsyncIterable<T[]>;
  /**
   * For a register too large to read as rows: the same records and lines written by the database
   * (register-sql.ts). `batches` yields the lines of each batch, in the order of `rows`.
   */
  inDatabase?: {
    columns(slug: string | null): SqlColumn[];
    batches(db: DbOrTx, scope: ExportScope, line: (slug: string | null) => SQL): AsyncIterable<string[]>;
  };
}

/** The JSON record of a row: the same fields as its CSV line, values unflattened. */
export function recordOf<T>(register: Register<T>, row: T): Record<string, CsvValue> {
  return Object.fromEntries(register.columns.map((c) => [c.header, c.value(row)]));
}

/**
 * Pages of rows, each query starting after the last row of the previous page. The next page is
 * asked for before this one is handed on, so the database works on it while the caller renders
 * this one: on two cores an export then takes about the longer of the two, not their sum.
 */
export async function* keysetPages<T>(size: number, query: (last: T | null) => Promise<T[]>): AsyncGenerator<T[]> {
  let pending: Promise<T[]> | null = query(null);
  try {
    while (pending) {
      const page: T[] = await pending;
      pending = page.length < size ? null : query(page[page.length - 1]);
      if (page.length) yield page;
    }
  } finally {
    // A caller that stops early leaves the read ahead unanswered; its failure is nobody's now.
    pending?.catch(() => {});
  }
}

/** Each item's batch, read one ahead (as keysetPages reads pages). */
export async function* readAhead<I, T>(items: AsyncIterable<I>, read: (item: I) => Promise<T>): AsyncGenerator<T> {
  let pending: Promise<T> | null = null;
  try {
    for await (const item of items) {
      const next = read(item);
      if (pending) yield await pending;
      pending = next;
    }
    if (pending) yield await pending;
    pending = null;
  } finally {
    pending?.catch(() => {});
  }
}

const col = <T>(header: string, value: (row: T) => CsvValue): CsvColumn<T> => ({ header, value });
/** Keyset on (time, id): the row after the last one of the previous page. */
export const after = (at: Date, id: string, atColumn: AnyPgColumn, idColumn: AnyPgColumn) =>
  sql`(${atColumn}, ${idColumn}) > (${at.toISOString()}::timestamptz, ${id}::uuid)`;
export const within = (column: Parameters<typeof gte>[0], period?: { from: Date; to: Date }) =>
  period ? and(gte(column, period.from), lte(column, period.to)) : undefined;

/** Keys that name secrets are dropped from audit before/after, whatever wrote them. */
function withoutSecrets(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(withoutSecrets);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !/credential|password|secret|token|csrf|cookie|authorization/i.test(k))
      .map(([k, v]) => [k, withoutSecrets(v)]),
  );
}

type IncidentRow = Incident;
const incidentsRegister: Register<IncidentRow> = {
  name: "incidents",
  columns: [
    col("incident_id", (i) => i.id),
    col("registration_number", (i) => i.registrationNumber),
    col("slug", (i) => i.slug),
    col("title", (i) => i.title),
    col("summary", (i) => i.summary),
    col("severity", (i) => i.severity),
    col("status", (i) => i.status),
    col("areas", (i) => i.areas),
    col("borrowing_reason", (i) => i.borrowingReason),
    col("opened_by", (i) => i.openedBy),
    col("opened_at", (i) => i.openedAt),
    col("closed_by", (i) => i.closedBy),
    col("closed_at", (i) => i.closedAt),
    col("updated_at", (i) => i.updatedAt),
    // An exercise (krisövning) is kept like any incident, and marked so no reader mistakes it for one.
    col("exercise", (i) => i.exercise),
    col("reset_by", (i) => i.resetBy),
    col("reset_at", (i) => i.resetAt),
  ],
  async *rows(_db, scope) {
    if (scope.incidents.length) yield scope.incidents;
  },
};

type UpdateRow = { update: typeof updates.$inferSelect; slug: string; url: string };
const updatesRegister: Register<UpdateRow> = {
  name: "updates",
  columns: [
    col("update_id", (r) => r.update.id),
    col("incident_id", (r) => r.update.incidentId),
    col("incident_slug", (r) => r.slug),
    col("number", (r) => r.update.number),
    col("kind", (r) => r.update.kind),
    col("state", (r) => r.update.state),
    col("url", (r) => r.url),
    col("body", (r) => r.update.body),
    col("revision", (r) => r.update.revision),
    col("author_name", (r) => r.update.author.name),
    col("author_title", (r) => r.update.author.title),
    col("author_department", (r) => r.update.author.department),
    col("signature", (r) => r.update.signature),
    col("variants", (r) => r.update.variants),
    col("image", (r) => r.update.image),
    col("targets", (r) => r.update.targets),
    col("urgent", (r) => r.update.urgent),
    col("posted_by", (r) => r.update.postedBy),
    col("approved_by", (r) => r.update.approvedBy),
    col("borrowing_reason", (r) => r.update.borrowingReason),
    col("created_at", (r) => r.update.createdAt),
    col("published_at", (r) => r.update.publishedAt),
    col("edited_at", (r) => r.update.editedAt),
    col("edit_reason", (r) => r.update.editReason),
    col("withdrawn_at", (r) => r.update.withdrawnAt),
    col("withdrawn_reason", (r) => r.update.withdrawnReason),
    col("withdrawn_by", (r) => r.update.withdrawnBy),
  ],
  async *rows(db, scope) {
    for (const incident of scope.incidents) {
      for await (const page of updatePages(db, incident)) {
        yield page.map((update) => ({
          update,
          slug: incident.slug,
          url: updateUrl(scope.publicUrl, incident.slug, update.number, incident.exercise),
        }));
      }
    }
  },
};

/** One incident's update ids by number, a page at a time: the keys other registers batch on. */
function updateIdPages(db: DbOrTx, incident: Incident, size = PAGE_SIZE) {
  return keysetPages<{ id: string; number: number }>(size, (last) =>
    db
      .select({ id: updates.id, number: updates.number })
      .from(updates)
      .where(and(eq(updates.incidentId, incident.id), last ? gt(updates.number, last.number) : undefined))
      .orderBy(asc(updates.number))
      .limit(size),
  );
}

/** One incident's updates by number, a page at a time. */
export function updatePages(db: DbOrTx, incident: Incident, only?: SQL, size = PAGE_SIZE) {
  return keysetPages<typeof updates.$inferSelect>(size, (last) =>
    db
      .select()
      .from(updates)
      .where(and(eq(updates.incidentId, incident.id), last ? gt(updates.number, last.number) : undefined, only))
      .orderBy(asc(updates.number))
      .limit(size),
  );
}

type RevisionRow = { revision: typeof updateRevisions.$inferSelect; number: number; by: string | null; slug?: string };
const revisionsRegister: Register<RevisionRow> = {
  name: "revisions",
  columns: [
    col("revision_id", (r) => r.revision.id),
    col("update_id", (r) => r.revision.updateId),
    col("incident_slug", (r) => r.slug),
    col("update_number", (r) => r.number),
    col("revision", (r) => r.revision.revision),
    col("body", (r) => r.revision.body),
    col("reason", (r) => r.revision.reason),
    col("created_by", (r) => r.revision.createdBy),
    col("created_by_name", (r) => r.by),
    col("created_at", (r) => r.revision.createdAt),
  ],
  async *rows(db, scope) {
    for (const incident of scope.incidents) {
      for await (const page of updateIdPages(db, incident)) {
        const rows = await db
          .select({ revision: updateRevisions, number: updates.number, by: people.name })
          .from(updateRevisions)
          .innerJoin(updates, eq(updates.id, updateRevisions.updateId))
          .leftJoin(people, eq(people.id, updateRevisions.createdBy))
          .where(
            inArray(
              updateRevisions.updateId,
              page.map((u) => u.id),
            ),
          )
          .orderBy(asc(updates.number), asc(updateRevisions.revision));
        yield rows.map((r) => ({ ...r, slug: incident.slug }));
      }
    }
  },
};

/** The columns the register shows: not the lease, idempotency key or settlement, which it never read. */
const DELIVERY_COLUMNS = {
  id: deliveries.id,
  seq: deliveries.seq,
  updateId: deliveries.updateId,
  accountId: deliveries.accountId,
  kind: deliveries.kind,
  status: deliveries.status,
  attempts: deliveries.attempts,
  borrowed: deliveries.borrowed,
  remoteId: deliveries.remoteId,
  remoteUrl: deliveries.remoteUrl,
  sentText: deliveries.sentText,
  failureClass: deliveries.failureClass,
  message: deliveries.message,
  createdAt: deliveries.createdAt,
  publishedAt: deliveries.publishedAt,
  updatedAt: deliveries.updatedAt,
};

type DeliveryRow = {
  delivery: Pick<typeof deliveries.$inferSelect, keyof typeof DELIVERY_COLUMNS>;
  number: number | null;
  platform: string;
  handle: string;
  slug?: string;
};
const deliveriesRegister: Register<DeliveryRow> = {
  name: "deliveries",
  columns: [
    col("delivery_id", (r) => r.delivery.id),
    col("seq", (r) => r.delivery.seq),
    col("incident_slug", (r) => r.slug),
    col("update_id", (r) => r.delivery.updateId),
    col("update_number", (r) => r.number),
    col("account_id", (r) => r.delivery.accountId),
    col("platform", (r) => r.platform),
    col("handle", (r) => r.handle),
    col("kind", (r) => r.delivery.kind),
    col("status", (r) => r.delivery.status),
    col("attempts", (r) => r.delivery.attempts),
    col("borrowed", (r) => r.delivery.borrowed),
    col("remote_id", (r) => r.delivery.remoteId),
    col("remote_url", (r) => r.delivery.remoteUrl),
    col("sent_text", (r) => r.delivery.sentText),
    col("failure_class", (r) => r.delivery.failureClass),
    col("message", (r) => r.delivery.message),
    col("created_at", (r) => r.delivery.createdAt),
    col("published_at", (r) => r.delivery.publishedAt),
    col("updated_at", (r) => r.delivery.updatedAt),
  ],
  async *rows(db, scope) {
    const select = () =>
      db
        .select({
          delivery: DELIVERY_COLUMNS,
          number: updates.number,
          platform: accounts.platform,
          handle: accounts.handle,
        })
        .from(deliveries)
        .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
        .leftJoin(updates, eq(updates.id, deliveries.updateId));
    // By batches of updates (the deliveries_update index), not by seq: a keyset on seq across a
    // join made every page scan the incident's whole fan-out.
    for (const incident of scope.incidents) {
      for await (const page of updateIdPages(db, incident, DELIVERY_BATCH)) {
        const rows = await select()
          .where(
            inArray(
              deliveries.updateId,
              page.map((u) => u.id),
            ),
          )
          .orderBy(asc(updates.number), asc(deliveries.seq));
        yield rows.map((r) => ({ ...r, slug: incident.slug }));
      }
    }
    if (!scope.period) return;
    // Farewells belong to an account, not an incident: an organisation export has them by time.
    yield* keysetPages<DeliveryRow>(PAGE_SIZE, (last) =>
      select()
        .where(
          and(
            isNull(deliveries.updateId),
            within(deliveries.createdAt, scope.period),
            last ? gt(deliveries.seq, last.delivery.seq) : undefined,
          ),
        )
        .orderBy(asc(deliveries.seq))
        .limit(PAGE_SIZE),
    );
  },
};

/** Updates per batch when the database writes the deliveries: 5,000 lines (about 4 MB) at 20 accounts. */
const DELIVERY_TEXT_BATCH = 250;
const DELIVERY_FROM = sql`from ${deliveries} inner join ${accounts} on ${accounts.id} = ${deliveries.accountId} left join ${updates} on ${updates.id} = ${deliveries.updateId}`;

deliveriesRegister.inDatabase = {
  // The same columns as deliveriesRegister.columns, in the same order.
  columns: (slug) => [
    { header: "delivery_id", kind: "uuid", value: sql`${deliveries.id}` },
    { header: "seq", kind: "number", value: sql`${deliveries.seq}` },
    // A farewell has no incident: its record has no incident_slug at all, as in deliveriesRegister.
    { header: "incident_slug", kind: "text", value: sql`${slug}::text`, absent: slug === null },
    { header: "update_id", kind: "uuid", value: sql`${deliveries.updateId}` },
    { header: "update_number", kind: "number", value: sql`${updates.number}` },
    { header: "account_id", kind: "uuid", value: sql`${deliveries.accountId}` },
    { header: "platform", kind: "text", value: sql`${accounts.platform}` },
    { header: "handle", kind: "text", value: sql`${accounts.handle}` },
    { header: "kind", kind: "text", value: sql`${deliveries.kind}` },
    { header: "status", kind: "text", value: sql`${deliveries.status}` },
    { header: "attempts", kind: "number", value: sql`${deliveries.attempts}` },
    { header: "borrowed", kind: "boolean", value: sql`${deliveries.borrowed}` },
    { header: "remote_id", kind: "text", value: sql`${deliveries.remoteId}` },
    { header: "remote_url", kind: "text", value: sql`${deliveries.remoteUrl}` },
    { header: "sent_text", kind: "text", value: sql`${deliveries.sentText}` },
    { header: "failure_class", kind: "text", value: sql`${deliveries.failureClass}` },
    { header: "message", kind: "text", value: sql`${deliveries.message}` },
    { header: "created_at", kind: "timestamp", value: sql`${deliveries.createdAt}` },
    { header: "published_at", kind: "timestamp", value: sql`${deliveries.publishedAt}` },
    { header: "updated_at", kind: "timestamp", value: sql`${deliveries.updatedAt}` },
  ],
  async *batches(db, scope, line) {
    // The order of deliveriesRegister.rows: by update number and seq, then farewells by seq.
    for (const incident of scope.incidents) {
      yield* readAhead(updateIdPages(db, incident, DELIVERY_TEXT_BATCH), (page) => {
        const ids = sql.join(
          page.map((u) => sql`${u.id}::uuid`),
          sql`, `,
        );
        const where = sql`${DELIVERY_FROM} where ${deliveries.updateId} in (${ids})`;
        return batchLines(db, line(incident.slug), where, sql`${updates.number}, ${deliveries.seq}`);
      });
    }
    if (!scope.period) return;
    const farewells = keysetPages<{ seq: number }>(PAGE_SIZE, (last) =>
      db
        .select({ seq: deliveries.seq })
        .from(deliveries)
        .where(
          and(
            isNull(deliveries.updateId),
            within(deliveries.createdAt, scope.period),
            last ? gt(deliveries.seq, last.seq) : undefined,
          ),
        )
        .orderBy(asc(deliveries.seq))
        .limit(PAGE_SIZE),
    );
    for await (const page of farewells) {
      const first = page[0].seq;
      const last = page[page.length - 1].seq;
      const where = sql`${DELIVERY_FROM} where ${deliveries.updateId} is null and ${deliveries.seq} between ${first} and ${last} and ${within(deliveries.createdAt, scope.period)}`;
      yield await batchLines(db, line(null), where, sql`${deliveries.seq}`);
    }
  },
};

type WithdrawalRow = { update: typeof updates.$inferSelect; slug: string; by: string | null };
const withdrawalsRegister: Register<WithdrawalRow> = {
  name: "withdrawals",
  columns: [
    col("update_id", (r) => r.update.id),
    col("incident_slug", (r) => r.slug),
    col("number", (r) => r.update.number),
    col("withdrawn_at", (r) => r.update.withdrawnAt),
    col("withdrawn_reason", (r) => r.update.withdrawnReason),
    col("withdrawn_by", (r) => r.update.withdrawnBy),
    col("withdrawn_by_name", (r) => r.by),
    col("body", (r) => r.update.body),
    col("published_at", (r) => r.update.publishedAt),
  ],
  async *rows(db, scope) {
    for (const incident of scope.incidents) {
      for await (const page of updatePages(db, incident, isNotNull(updates.withdrawnAt) as SQL)) {
        const ids = [...new Set(page.map((u) => u.withdrawnBy).filter((id): id is string => Boolean(id)))];
        const names = new Map<string, string>();
        if (ids.length) {
          const found = await db
            .select({ id: people.id, name: people.name })
            .from(people)
            .where(inArray(people.id, ids));
          for (const person of found) names.set(person.id, person.name);
        }
        yield page.map((update) => ({
          update,
          slug: incident.slug,
          by: update.withdrawnBy ? (names.get(update.withdrawnBy) ?? null) : null,
        }));
      }
    }
  },
};

type RemovalRow = { removal: typeof removals.$inferSelect; handle: string | null; by: string | null };
const removalsRegister: Register<RemovalRow> = {
  name: "removals",
  columns: [
    col("removal_id", (r) => r.removal.id),
    col("removed_at", (r) => r.removal.removedAt),
    col("platform", (r) => r.removal.platform),
    col("account_id", (r) => r.removal.accountId),
    col("handle", (r) => r.handle),
    col("incident_id", (r) => r.removal.incidentId),
    col("link", (r) => r.removal.link),
    col("author", (r) => r.removal.author),
    col("content", (r) => r.removal.content),
    col("reason", (r) => r.removal.reason),
    col("reason_text", (r) => REMOVAL_REASON_TEXT[r.removal.reason as RemovalReason] ?? r.removal.reason),
    col("removed_by", (r) => r.removal.removedBy),
    col("removed_by_name", (r) => r.by),
    col("author_notified", (r) => r.removal.authorNotified),
    col("notice", (r) => r.removal.notice),
    col("created_at", (r) => r.removal.createdAt),
  ],
  rows(db, scope) {
    const incidentIds = scope.incidents.map((i) => i.id);
    const inScope = scope.period
      ? within(removals.removedAt, scope.period)
      : incidentIds.length
        ? sql`${removals.incidentId} in (${sql.join(
            incidentIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
        : sql`false`;
    return keysetPages<RemovalRow>(PAGE_SIZE, (last) =>
      db
        .select({ removal: removals, handle: accounts.handle, by: people.name })
        .from(removals)
        .leftJoin(accounts, eq(accounts.id, removals.accountId))
        .leftJoin(people, eq(people.id, removals.removedBy))
        .where(
          and(
            inScope,
            last ? after(last.removal.removedAt, last.removal.id, removals.removedAt, removals.id) : undefined,
          ),
        )
        .orderBy(asc(removals.removedAt), asc(removals.id))
        .limit(PAGE_SIZE),
    );
  },
};

type BorrowingRow = {
  borrowing: typeof borrowings.$inferSelect;
  platform: string;
  handle: string;
  person: string | null;
  slug?: string;
};
const borrowingsRegister: Register<BorrowingRow> = {
  name: "borrowings",
  columns: [
    col("borrowing_id", (r) => r.borrowing.id),
    col("created_at", (r) => r.borrowing.createdAt),
    col("incident_slug", (r) => r.slug),
    col("update_id", (r) => r.borrowing.updateId),
    col("account_id", (r) => r.borrowing.accountId),
    col("platform", (r) => r.platform),
    col("handle", (r) => r.handle),
    col("person_id", (r) => r.borrowing.personId),
    col("person_name", (r) => r.person),
    col("reason", (r) => r.borrowing.reason),
  ],
  async *rows(db, scope) {
    for (const incident of scope.incidents) {
      const pages = keysetPages<BorrowingRow>(PAGE_SIZE, (last) =>
        db
          .select({ borrowing: borrowings, platform: accounts.platform, handle: accounts.handle, person: people.name })
          .from(borrowings)
          .innerJoin(accounts, eq(accounts.id, borrowings.accountId))
          .leftJoin(people, eq(people.id, borrowings.personId))
          .where(
            and(
              eq(borrowings.incidentId, incident.id),
              last
                ? after(last.borrowing.createdAt, last.borrowing.id, borrowings.createdAt, borrowings.id)
                : undefined,
            ),
          )
          .orderBy(asc(borrowings.createdAt), asc(borrowings.id))
          .limit(PAGE_SIZE),
      );
      for await (const page of pages) yield page.map((r) => ({ ...r, slug: incident.slug }));
    }
  },
};

type AuditRow = typeof auditLog.$inferSelect;
const auditRegister: Register<AuditRow> = {
  name: "audit-log",
  columns: [
    col("id", (r) => r.id),
    col("at", (r) => r.at),
    col("actor_id", (r) => r.actorId),
    col("actor_name", (r) => r.actorName),
    // The identity provider's subject when the actor signed in through it: names stay readable,
    // the subject stays unambiguous after a rename.
    col("actor_subject", (r) => r.actorSubject),
    col("action", (r) => r.action),
    col("entity_type", (r) => r.entityType),
    col("entity_id", (r) => r.entityId),
    col("incident_id", (r) => r.incidentId),
    col("account_id", (r) => r.accountId),
    col("before", (r) => withoutSecrets(r.before) as CsvValue),
    col("after", (r) => withoutSecrets(r.after) as CsvValue),
  ],
  rows(db, scope) {
    const incidentIds = scope.incidents.map((i) => i.id);
    const inScope = scope.period
      ? within(auditLog.at, scope.period)
      : incidentIds.length
        ? sql`${auditLog.incidentId} in (${sql.join(
            incidentIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
        : sql`false`;
    return keysetPages<AuditRow>(PAGE_SIZE, (last) =>
      db
        .select()
        .from(auditLog)
        .where(and(inScope, last ? gt(auditLog.id, last.id) : undefined))
        .orderBy(asc(auditLog.id))
        .limit(PAGE_SIZE),
    );
  },
};

type AccountRow = Awaited<ReturnType<typeof accountPage>>[number];
const accountPage = (db: DbOrTx, last: { id: string } | null) =>
  db
    .select(ACCOUNT_RECORD_COLUMNS)
    .from(accounts)
    .where(last ? gt(accounts.id, last.id) : undefined)
    .orderBy(asc(accounts.id))
    .limit(PAGE_SIZE);
const accountsRegister: Register<AccountRow> = {
  name: "accounts",
  columns: [
    col("account_id", (r) => r.id),
    col("platform", (r) => r.platform),
    col("handle", (r) => r.handle),
    col("department_id", (r) => r.departmentId),
    col("public_url", (r) => r.publicUrl),
    col("purpose", (r) => r.purpose),
    col("editors", (r) => r.editors),
    col("status", (r) => r.status),
    col("closed_at", (r) => r.closedAt),
    col("closed_reason", (r) => r.closedReason),
    col("rights_status", (r) => r.rightsStatus),
    col("rights_checked_at", (r) => r.rightsCheckedAt),
    col("base_url", (r) => r.baseUrl),
    col("options", (r) => r.options),
    col("sandbox", (r) => r.sandbox),
    col("created_at", (r) => r.createdAt),
    col("updated_at", (r) => r.updatedAt),
  ],
  rows: (db) => keysetPages<AccountRow>(PAGE_SIZE, (last) => accountPage(db, last)),
};

type SnapshotRow = Omit<typeof snapshots.$inferSelect, "data">;
const snapshotsRegister: Register<SnapshotRow> = {
  name: "snapshots",
  columns: [
    col("snapshot_id", (r) => r.id),
    col("account_id", (r) => r.accountId),
    col("period_from", (r) => r.periodFrom),
    col("period_to", (r) => r.periodTo),
    col("sha256", (r) => r.sha256),
    col("file", (r) => `snapshots/${r.id}.json`),
    col("created_by", (r) => r.createdBy),
    col("created_at", (r) => r.createdAt),
  ],
  async *rows(db, scope) {
    if (!scope.period) return;
    yield* snapshotPages(db, scope.period);
  },
};

export function snapshotPages(db: DbOrTx, period: { from: Date; to: Date }) {
  return keysetPages<SnapshotRow>(PAGE_SIZE, (last) =>
    db
      .select(SNAPSHOT_SUMMARY_COLUMNS)
      .from(snapshots)
      .where(
        and(
          within(snapshots.createdAt, period),
          last ? after(last.createdAt, last.id, snapshots.createdAt, snapshots.id) : undefined,
        ),
      )
      .orderBy(asc(snapshots.createdAt), asc(snapshots.id))
      .limit(PAGE_SIZE),
  );
}

export const REGISTERS: Register[] = [
  incidentsRegister,
  updatesRegister,
  revisionsRegister,
  deliveriesRegister,
  withdrawalsRegister,
  removalsRegister,
  inboxItemsRegister,
  inboxAnswersRegister,
  borrowingsRegister,
  auditRegister,
  accountsRegister,
  snapshotsRegister,
];

/** Incidents whose time overlaps the period, oldest first. */
export async function incidentsInPeriod(db: DbOrTx, from: Date, to: Date): Promise<Incident[]> {
  return db
    .select()
    .from(incidents)
    .where(
      and(
        lte(incidents.openedAt, to),
        sql`(${incidents.closedAt} is null or ${incidents.closedAt} >= ${from.toISOString()}::timestamptz)`,
      ),
    )
    .orderBy(asc(incidents.openedAt), asc(incidents.id));
}
