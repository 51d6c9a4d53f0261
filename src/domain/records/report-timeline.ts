// The report's timeline: what people did, read from the audit log. The dispatcher's own rows (one
// per attempt) are left to each channel's attempt log; everything else that names the incident is
// here, with the kill switch, which is organisation-wide and so is taken by time.
import { and, asc, desc, eq, gte, inArray, lt, lte, sql } from "drizzle-orm";
import { anyOf } from "../../db/any-of";
import type { DbOrTx } from "../../db/client";
import { auditLog } from "../../db/schema";
import type { ReportAccount, TimelineEntry } from "./report-shape";

export type AuditRow = typeof auditLog.$inferSelect;

const KILL_SWITCH = ["deliveries.paused", "deliveries.resumed"];

/** The keys of an audit row's `after` that the timeline and the attempt logs read. */
const REPORTED_KEYS = [
  "editReason",
  "withdrawnReason",
  "rejectionReason",
  "reason",
  "pausedForSeconds",
  "message",
  "updateId",
  "status",
  "failureClass",
];

const ACTION_LABEL: Record<string, string> = {
  "incident.opened": "Händelsen öppnades",
  "incident.edited": "Händelsen ändrades",
  "incident.closed": "Händelsen avslutades",
  "update.posted": "Uppdatering publicerad",
  "update.posted_urgent": "Brådskande uppdatering publicerad utan godkännande",
  "update.awaiting_approval": "Uppdatering väntar på godkännande",
  "update.approved": "Uppdatering godkänd och publicerad",
  "update.rejected": "Uppdatering avvisad",
  "update.edited": "Uppdatering ändrad",
  "update.withdrawn": "Uppdatering tillbakadragen",
  "account.borrowed": "Konto lånat",
  "deliveries.paused": "Utskicken pausades (nödstopp)",
  "deliveries.resumed": "Utskicken återupptogs",
  "delivery.retried": "Nytt försök begärt",
  "records.exported": "Akten exporterades",
};

export function actionLabel(action: string): string {
  return ACTION_LABEL[action] ?? action;
}

/** A row the dispatcher wrote about one attempt (delivery.published, delivery.failed ...). */
export function isAttemptRow(row: AuditRow): boolean {
  return row.entityType === "delivery" && row.actorId === null && row.action !== "delivery.retried";
}

/**
 * Only the parts of `after` the report reads: an incident's audit rows carry whole updates (their
 * text), and a long incident has hundreds of thousands of them.
 */
const SLIM_AFTER = sql<Record<string, unknown> | null>`jsonb_strip_nulls(jsonb_build_object(${sql.raw(
  REPORTED_KEYS.map((key) => `'${key}', "audit_log"."after"->'${key}'`).join(", "),
)}))`;

const SLIM_COLUMNS = {
  id: auditLog.id,
  at: auditLog.at,
  actorId: auditLog.actorId,
  actorName: auditLog.actorName,
  actorSubject: auditLog.actorSubject,
  action: auditLog.action,
  entityType: auditLog.entityType,
  entityId: auditLog.entityId,
  incidentId: auditLog.incidentId,
  accountId: auditLog.accountId,
  before: sql<null>`null`,
  after: SLIM_AFTER,
};

export async function readIncidentAudit(db: DbOrTx, incidentId: string): Promise<AuditRow[]> {
  return db.select(SLIM_COLUMNS).from(auditLog).where(eq(auditLog.incidentId, incidentId)).orderBy(asc(auditLog.id));
}

/** The attempt and "try again" rows of some of the incident's deliveries, as readIncidentAudit has them. */
export async function readDeliveryAudit(db: DbOrTx, incidentId: string, deliveryIds: string[]): Promise<AuditRow[]> {
  if (!deliveryIds.length) return [];
  return db
    .select(SLIM_COLUMNS)
    .from(auditLog)
    .where(
      and(
        eq(auditLog.incidentId, incidentId),
        eq(auditLog.entityType, "delivery"),
        anyOf(auditLog.entityId, deliveryIds, "text"),
      ),
    )
    .orderBy(asc(auditLog.id));
}

/**
 * The incident's own timeline rows (no attempt rows) a page at a time, in the order toTimeline
 * sorts them: by time to the millisecond (its ISO strings), the earlier row first on a tie.
 */
export function readTimelinePage(
  db: DbOrTx,
  incidentId: string,
  after: { at: string; id: number } | null,
  size: number,
): Promise<(AuditRow & { msAt: string })[]> {
  const msAt = sql`date_trunc('milliseconds', ${auditLog.at})`;
  return db
    .select({ ...SLIM_COLUMNS, msAt: sql<string>`${msAt}::text` })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.incidentId, incidentId),
        sql`not (${auditLog.entityType} = 'delivery' and ${auditLog.actorId} is null and ${auditLog.action} <> 'delivery.retried')`,
        after ? sql`(${msAt}, ${auditLog.id}) > (${after.at}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(msAt, asc(auditLog.id))
    .limit(size);
}

/**
 * The kill switch while the incident ran, and the pause it opened under if deliveries were
 * already paused then.
 */
export async function readKillSwitch(db: DbOrTx, from: Date, to: Date): Promise<AuditRow[]> {
  const within = await db
    .select(SLIM_COLUMNS)
    .from(auditLog)
    .where(and(inArray(auditLog.action, KILL_SWITCH), gte(auditLog.at, from), lte(auditLog.at, to)))
    .orderBy(asc(auditLog.id));
  const [before] = await db
    .select(SLIM_COLUMNS)
    .from(auditLog)
    .where(and(inArray(auditLog.action, KILL_SWITCH), lt(auditLog.at, from)))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return before?.action === "deliveries.paused" ? [before, ...within] : within;
}

export interface TimelineLookups {
  updateNumberOf(updateId: string | null | undefined): number | null;
  accountOf(accountId: string | null | undefined): ReportAccount | null;
  /** The update a delivery belongs to, for "delivery.retried". */
  updateIdOfDelivery(deliveryId: string | null): string | null;
}

export function toTimeline(rows: readonly AuditRow[], find: TimelineLookups): TimelineEntry[] {
  return rows
    .filter((row) => !isAttemptRow(row))
    .map((row) => ({
      at: row.at.toISOString(),
      action: row.action,
      label: actionLabel(row.action),
      actor: { id: row.actorId, name: row.actorName, subject: row.actorSubject },
      updateNumber: find.updateNumberOf(updateIdOf(row, find)),
      account: find.accountOf(row.accountId),
      detail: detailOf(row),
    }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

type Json = Record<string, unknown> | null;
const field = (value: unknown, key: string): unknown => (value as Json)?.[key];
const text = (value: unknown): string | null => (typeof value === "string" && value ? value : null);

function updateIdOf(row: AuditRow, find: TimelineLookups): string | null {
  if (row.entityType === "update") return row.entityId;
  if (row.action === "delivery.retried") return find.updateIdOfDelivery(row.entityId);
  return text(field(row.after, "updateId"));
}

function detailOf(row: AuditRow): string | null {
  switch (row.action) {
    case "update.edited":
      return text(field(row.after, "editReason"));
    case "update.withdrawn":
      return text(field(row.after, "withdrawnReason"));
    case "update.rejected":
      return text(field(row.after, "rejectionReason"));
    case "account.borrowed":
    case "deliveries.paused":
      return text(field(row.after, "reason"));
    case "deliveries.resumed": {
      const seconds = field(row.after, "pausedForSeconds");
      return typeof seconds === "number" ? `Pausat i ${formatSeconds(seconds)}` : null;
    }
    case "delivery.retried":
      return text(field(row.after, "message"));
    default:
      return null;
  }
}

/** "1 h 2 min", "3 min 5 s", "42 s": how long, in words a meeting reads aloud. */
export function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ""}`;
}
