// Each delivery of the incident as the report tells it: when it reached its channel, every
// attempt (from the dispatcher's audit rows, which survive a person's "try again", whereas the
// row's own counter restarts), and for those that failed at least once, how it was settled.
import { deliveries, type updates } from "../../db/schema";
import type { FailureClass } from "../../platforms/types";
import { secondsBetween } from "./report-figures";
import type { ReportAccount, ReportAttempt, ReportChannel, ReportFailure, SettledHow } from "./report-shape";
import { type AuditRow, isAttemptRow } from "./report-timeline";

/** The columns the report reads: not the sent text, which a long incident has megabytes of. */
export const REPORTED_DELIVERY = {
  id: deliveries.id,
  updateId: deliveries.updateId,
  accountId: deliveries.accountId,
  kind: deliveries.kind,
  language: deliveries.language,
  borrowed: deliveries.borrowed,
  status: deliveries.status,
  attempts: deliveries.attempts,
  remoteUrl: deliveries.remoteUrl,
  failureClass: deliveries.failureClass,
  message: deliveries.message,
  settlement: deliveries.settlement,
  createdAt: deliveries.createdAt,
  updatedAt: deliveries.updatedAt,
  publishedAt: deliveries.publishedAt,
};
type Delivery = Pick<typeof deliveries.$inferSelect, keyof typeof REPORTED_DELIVERY>;
type Update = Pick<typeof updates.$inferSelect, "publishedAt">;

export interface DeliveryHistory {
  attempts: ReportAttempt[];
  /** The people who asked for a new try, latest last. */
  retriedBy: string[];
}

/** The attempt rows and the "try again" rows of each delivery, from the incident's audit log. */
export function historiesOf(rows: readonly AuditRow[]): Map<string, DeliveryHistory> {
  const out = new Map<string, DeliveryHistory>();
  for (const row of rows) {
    if (row.entityType !== "delivery" || !row.entityId) continue;
    const history = out.get(row.entityId) ?? { attempts: [], retriedBy: [] };
    out.set(row.entityId, history);
    if (row.action === "delivery.retried") history.retriedBy.push(row.actorName);
    else if (isAttemptRow(row)) history.attempts.push(attemptOf(row));
  }
  return out;
}

function attemptOf(row: AuditRow): ReportAttempt {
  const after = (row.after ?? {}) as { status?: string; failureClass?: FailureClass | null; message?: string | null };
  return {
    at: row.at.toISOString(),
    outcome: after.status ?? row.action.replace(/^delivery\./, ""),
    failureClass: after.failureClass ?? null,
    message: after.message ?? null,
  };
}

/** The moment on the website a delivery follows: the update itself, or its edit or withdrawal. */
function startOf(delivery: Delivery, update: Update): Date | null {
  return delivery.kind === "publish" ? update.publishedAt : delivery.createdAt;
}

export function toChannel(
  delivery: Delivery,
  update: Update,
  account: ReportAccount,
  history: DeliveryHistory | undefined,
): ReportChannel {
  const startedAt = startOf(delivery, update);
  const attemptLog = history?.attempts ?? [];
  return {
    deliveryId: delivery.id,
    kind: delivery.kind === "farewell" ? "publish" : delivery.kind,
    account,
    language: delivery.language,
    borrowed: delivery.borrowed,
    status: delivery.status,
    startedAt: startedAt?.toISOString() ?? null,
    publishedAt: delivery.publishedAt?.toISOString() ?? null,
    secondsToChannel: delivery.status === "published" ? secondsBetween(startedAt, delivery.publishedAt) : null,
    attempts: Math.max(delivery.attempts, attemptLog.filter((a) => a.outcome !== "skipped").length),
    attemptLog,
    remoteUrl: delivery.remoteUrl,
    failureClass: delivery.failureClass,
    message: delivery.message,
  };
}

/** A failure report for a delivery that failed at least once, else null. */
export function toFailure(
  delivery: Delivery,
  channel: ReportChannel,
  updateNumber: number,
  history: DeliveryHistory | undefined,
): ReportFailure | null {
  const failed = channel.attemptLog.filter((a) => a.failureClass !== null);
  const classes = [...failed.map((a) => a.failureClass), delivery.failureClass].filter(
    (c): c is FailureClass => c !== null,
  );
  if (!classes.length && delivery.status !== "failed" && !delivery.settlement) return null;
  const how = settledHow(delivery, history);
  return {
    deliveryId: delivery.id,
    updateNumber,
    kind: channel.kind,
    account: channel.account,
    finalStatus: delivery.status,
    failureClasses: [...new Set(classes)],
    failedAttempts: Math.max(failed.length, delivery.status === "failed" ? 1 : 0),
    lastMessage: failed.at(-1)?.message ?? delivery.message,
    settledHow: how,
    settledAt: settledAtOf(delivery, how),
    settledBy: how === "retried_by_person" ? (history?.retriedBy.at(-1) ?? null) : null,
    settlement: delivery.settlement,
  };
}

function settledHow(delivery: Delivery, history: DeliveryHistory | undefined): SettledHow {
  switch (delivery.status) {
    case "published":
      // A lookup that found the post means it had landed all along: nothing was sent twice.
      if (delivery.settlement?.checks.at(-1)?.answer === "found") return "found_on_platform";
      return history?.retriedBy.length ? "retried_by_person" : "published_after_retry";
    case "cancelled":
      return "cancelled";
    case "skipped":
      return "skipped";
    case "failed":
      return "unsettled";
    default:
      return "in_progress";
  }
}

function settledAtOf(delivery: Delivery, how: SettledHow): string | null {
  if (how === "unsettled" || how === "in_progress") return null;
  return (delivery.publishedAt ?? delivery.updatedAt).toISOString();
}
