// The after-action report's JSON shape (GET /api/v1/incidents/:id/report, and
// representations/json/data/reports/<slug>.json in the archive). Times are ISO 8601 UTC strings;
// durations are whole seconds. Fields are added, never renamed: REPORT_VERSION changes when one is.
import type { DeliveryStatus, Severity, UpdateKind } from "../../db/schema";
import type { FailureClass, Platform } from "../../platforms/types";
import type { Reach } from "../publishing/reach";
import type { Settlement } from "../publishing/settlement";

export const REPORT_VERSION = 1;

export interface IncidentReport {
  reportVersion: typeof REPORT_VERSION;
  /** When the report was computed (deps.now()); an open incident's figures run to this moment. */
  generatedAt: string;
  incident: ReportIncident;
  /** People's actions in time order: the audit log of the incident and the kill switch while it ran. */
  timeline: TimelineEntry[];
  updates: ReportUpdate[];
  borrowings: ReportBorrowing[];
  /** Deliveries that failed at least once, and how each was settled. */
  failures: ReportFailure[];
  /** How long each translation took after the Swedish text was on the website. */
  languages: ReportLanguage[];
  reach: ReportReach;
  summary: ReportSummary;
}

export interface ReportIncident {
  id: string;
  slug: string;
  title: string;
  severity: Severity;
  status: "active" | "resolved";
  registrationNumber: string | null;
  /** An exercise (krisövning), with the time it was reset if it was. */
  exercise: boolean;
  resetAt: string | null;
  openedAt: string;
  closedAt: string | null;
  url: string;
}

export interface ReportActor {
  id: string | null;
  name: string;
  /** The identity provider's subject, for someone who signed in through it. */
  subject: string | null;
}

export interface ReportAccount {
  id: string;
  platform: Platform;
  handle: string;
}

export interface TimelineEntry {
  at: string;
  /** The audit action, e.g. "update.edited", "account.borrowed", "deliveries.paused". */
  action: string;
  /** The same in Swedish, for the printed page. */
  label: string;
  actor: ReportActor;
  updateNumber: number | null;
  account: ReportAccount | null;
  /** The reason given (edit, withdrawal, rejection, borrowing, pause), or a short fact. */
  detail: string | null;
}

export interface ReportUpdate {
  id: string;
  number: number;
  kind: UpdateKind;
  state: "published" | "pending_approval" | "rejected";
  createdAt: string;
  /** On the website; null while waiting for approval or after rejection. */
  publishedAt: string | null;
  author: string;
  revision: number;
  editedAt: string | null;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
  channels: ReportChannel[];
}

/** One delivery of an update to one account (publish, or an edit or retraction that followed). */
export interface ReportChannel {
  deliveryId: string;
  kind: "publish" | "edit" | "retract";
  account: ReportAccount;
  language: string;
  borrowed: boolean;
  status: DeliveryStatus;
  /** What the post follows on the website: the update's publishedAt, or the edit or withdrawal. */
  startedAt: string | null;
  /** When the platform accepted it. */
  publishedAt: string | null;
  /** publishedAt minus startedAt; null until it is out. */
  secondsToChannel: number | null;
  /** Every attempt, also those before a person asked for a new try. */
  attempts: number;
  attemptLog: ReportAttempt[];
  remoteUrl: string | null;
  failureClass: FailureClass | null;
  message: string | null;
}

export interface ReportAttempt {
  at: string;
  /** What the attempt ended in: published, failed, pending (a retry was scheduled), skipped, cancelled. */
  outcome: string;
  failureClass: FailureClass | null;
  message: string | null;
}

export interface ReportBorrowing {
  at: string;
  person: string;
  account: ReportAccount;
  updateNumber: number | null;
  reason: string;
}

export const SETTLED_HOW = [
  "found_on_platform",
  "retried_by_person",
  "published_after_retry",
  "cancelled",
  "skipped",
  "in_progress",
  "unsettled",
] as const;
export type SettledHow = (typeof SETTLED_HOW)[number];

export interface ReportFailure {
  deliveryId: string;
  updateNumber: number;
  kind: ReportChannel["kind"];
  account: ReportAccount;
  finalStatus: DeliveryStatus;
  /** Every failure class seen, in the order first seen. */
  failureClasses: FailureClass[];
  failedAttempts: number;
  lastMessage: string | null;
  settledHow: SettledHow;
  settledAt: string | null;
  /** Who asked for a new try, when a person settled it. */
  settledBy: string | null;
  /** The lookups and a person's checks, as the dispatcher kept them (deliveries.settlement). */
  settlement: Settlement | null;
}

export interface ReportLanguage {
  updateNumber: number;
  language: string;
  createdAt: string;
  /** createdAt minus the update's publishedAt; null when the update never reached the website. */
  secondsAfterSwedish: number | null;
  translator: string | null;
}

export interface ReportReach {
  websub: {
    /** Live WebSub subscriptions of this incident's own feeds (Atom, RSS, JSON) when counted. */
    incidentFeedSubscribers: number;
    /** Live subscriptions of the site-wide feeds, which carry every incident. */
    siteFeedSubscribers: number;
    countedAt: string;
  };
  /** Subscribers and messages per channel (WebSub, web push, email, SMS), as GET /api/v1/reach?incident= gives them. */
  subscriptions: Reach;
  subscriptionsNote: string;
}

export interface DurationFigures {
  count: number;
  medianSeconds: number | null;
  p95Seconds: number | null;
  maxSeconds: number | null;
}

export interface ReportSummary {
  updates: { total: number; published: number; edited: number; withdrawn: number; rejected: number; waiting: number };
  deliveries: { total: number; byStatus: Record<DeliveryStatus, number> };
  /** Publish deliveries only: the website to the channel. */
  timeToChannel: DurationFigures;
  failures: { deliveries: number; byClass: Partial<Record<FailureClass, number>>; unsettled: number };
  languages: DurationFigures & { byLanguage: Record<string, DurationFigures> };
  borrowings: number;
  killSwitch: { pauses: number };
}
