// The after-action report: what the team brings to its evaluation meeting. Computed from the
// tables and the audit log each time it is asked for (nothing is stored, so it can never disagree
// with the record), for an open incident up to deps.now().
import { and, asc, count, eq, gt, inArray } from "drizzle-orm";
import { z } from "zod";
import { anyOf } from "../../db/any-of";
import type { DbOrTx } from "../../db/client";
import {
  accounts,
  borrowings,
  deliveries,
  people,
  updates,
  updateTranslations,
  websubSubscriptions,
} from "../../db/schema";
import type { Deps } from "../../deps";
import { fieldsOf, InvalidInputError } from "../../errors";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { FEED_FORMATS, type FeedFormat, feedPath } from "../publishing/feed-document";
import { type Incident, requireIncident } from "../publishing/incidents";
import { incidentUrl } from "../publishing/links";
import { countReach } from "../publishing/reach";
import { type DeliveryHistory, historiesOf, REPORTED_DELIVERY, toChannel, toFailure } from "./report-deliveries";
import { secondsBetween, summarise } from "./report-figures";
import {
  type IncidentReport,
  REPORT_VERSION,
  type ReportAccount,
  type ReportBorrowing,
  type ReportFailure,
  type ReportIncident,
  type ReportLanguage,
  type ReportReach,
  type ReportUpdate,
} from "./report-shape";
import { readIncidentAudit, readKillSwitch, toTimeline } from "./report-timeline";

export type ReportDeps = Pick<Deps, "db" | "now" | "config">;

/** Everything of an update but its texts. */
export const REPORTED_UPDATE = {
  id: updates.id,
  number: updates.number,
  kind: updates.kind,
  state: updates.state,
  author: updates.author,
  revision: updates.revision,
  createdAt: updates.createdAt,
  publishedAt: updates.publishedAt,
  editedAt: updates.editedAt,
  withdrawnAt: updates.withdrawnAt,
  withdrawnReason: updates.withdrawnReason,
};

export const ReportInput = z.object({ id: z.string().uuid() });

export const SUBSCRIPTIONS_NOTE =
  "Prenumeranter räknas när rapporten tas fram; meddelanden per uppdatering och kanal (skickade, misslyckade, på väg).";

/** The report of one incident, open or closed, for those who may read it (report.read). */
export async function readIncidentReport(deps: ReportDeps, actor: Actor, raw: unknown): Promise<IncidentReport> {
  requireCan(actor, "report.read");
  const parsed = ReportInput.safeParse(raw);
  // An AppError rather than zod's own, so the staff page answers 400 as the API does.
  if (!parsed.success) {
    const fields = fieldsOf(parsed.error);
    throw new InvalidInputError("invalid_input", `Invalid input: ${fields.map((f) => f.field).join(", ")}.`, {
      fields,
    });
  }
  return buildIncidentReport(deps, await requireIncident(deps.db, parsed.data.id));
}

/** The report itself; callers have checked the reader (the archive export checks records.export). */
export async function buildIncidentReport(deps: ReportDeps, incident: Incident): Promise<IncidentReport> {
  const { db } = deps;
  const now = deps.now();
  const updateRows = await db
    .select(REPORTED_UPDATE)
    .from(updates)
    .where(eq(updates.incidentId, incident.id))
    .orderBy(asc(updates.number));
  const deliveryRows = await db
    .select(REPORTED_DELIVERY)
    .from(deliveries)
    .innerJoin(updates, eq(updates.id, deliveries.updateId))
    .where(eq(updates.incidentId, incident.id))
    .orderBy(asc(updates.number), asc(deliveries.seq));
  const [audit, killSwitch, borrowingRows, translationRows] = await Promise.all([
    readIncidentAudit(db, incident.id),
    readKillSwitch(db, incident.openedAt, incident.closedAt ?? now),
    db
      .select()
      .from(borrowings)
      .where(eq(borrowings.incidentId, incident.id))
      // The id breaks ties, so the archive's copy, read a page at a time, lists them in the same order.
      .orderBy(asc(borrowings.createdAt), asc(borrowings.id)),
    db
      .select({ translation: updateTranslations })
      .from(updateTranslations)
      .innerJoin(updates, eq(updates.id, updateTranslations.updateId))
      .where(eq(updates.incidentId, incident.id))
      .orderBy(asc(updates.number), asc(updateTranslations.language)),
  ]);
  const accountIds = new Set<string>([
    ...deliveryRows.map((d) => d.accountId),
    ...borrowingRows.map((b) => b.accountId),
    ...audit.flatMap((a) => (a.accountId ? [a.accountId] : [])),
  ]);
  const accountMap = await readAccounts(db, [...accountIds]);
  const personIds = [
    ...borrowingRows.map((b) => b.personId),
    ...translationRows.flatMap((t) => (t.translation.createdBy ? [t.translation.createdBy] : [])),
  ];
  const names = await readNames(db, personIds);
  const byUpdateId = new Map(updateRows.map((u) => [u.id, u]));
  const accountOf = (id: string | null | undefined) => (id ? (accountMap.get(id) ?? null) : null);
  const histories = historiesOf(audit);

  const failures: ReportFailure[] = [];
  const deliveriesOf = new Map<string | null, typeof deliveryRows>();
  for (const d of deliveryRows) {
    const list = deliveriesOf.get(d.updateId);
    if (list) list.push(d);
    else deliveriesOf.set(d.updateId, [d]);
  }
  const reportUpdates: ReportUpdate[] = updateRows.map((u) =>
    reportUpdateOf(u, deliveriesOf.get(u.id) ?? [], accountOf, histories, failures),
  );
  const deliveryUpdate = new Map(deliveryRows.map((d) => [d.id, d.updateId]));
  const timeline = toTimeline([...audit, ...killSwitch], {
    updateNumberOf: (id) => (id ? (byUpdateId.get(id)?.number ?? null) : null),
    accountOf,
    updateIdOfDelivery: (id) => (id ? (deliveryUpdate.get(id) ?? null) : null),
  });
  const numberOf = (id: string | null) => (id ? (byUpdateId.get(id)?.number ?? null) : null);
  const reportBorrowings = borrowingRows.map((b) => reportBorrowingOf(b, names, accountOf, numberOf));
  const languages = translationRows.map(({ translation: t }) => reportLanguageOf(t, byUpdateId.get(t.updateId), names));
  const publicUrl = deps.config.publicUrl;
  return {
    reportVersion: REPORT_VERSION,
    generatedAt: now.toISOString(),
    incident: reportIncidentOf(incident, publicUrl),
    timeline,
    updates: reportUpdates,
    borrowings: reportBorrowings,
    failures,
    languages,
    reach: await readReach(deps, incident, now),
    summary: summarise({ updates: reportUpdates, failures, languages, borrowings: reportBorrowings, timeline }),
  };
}

export async function readAccounts(db: DbOrTx, ids: string[]): Promise<Map<string, ReportAccount>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: accounts.id, platform: accounts.platform, handle: accounts.handle })
    .from(accounts)
    .where(inArray(accounts.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function readNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(anyOf(people.id, unique, "uuid"));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Deliveries and borrowings reference their account by foreign key, and accounts are never deleted. */
export function missingAccount(id: string): never {
  throw new Error(`Account ${id} is referenced but was not found.`);
}

/** WebSub keeps live subscriptions only (an expired lease is removed), so these are counts at generatedAt. */
export async function readReach(deps: ReportDeps, incident: Incident, now: Date): Promise<ReportReach> {
  const { db } = deps;
  const { publicUrl } = deps.config;
  const { slug } = incident;
  const formats = Object.keys(FEED_FORMATS) as FeedFormat[];
  const live = async (topics: string[]) => {
    const [row] = await db
      .select({ n: count() })
      .from(websubSubscriptions)
      .where(and(inArray(websubSubscriptions.topic, topics), gt(websubSubscriptions.expiresAt, now)));
    return Number(row?.n ?? 0);
  };
  return {
    websub: {
      incidentFeedSubscribers: await live(formats.map((format) => `${publicUrl}${feedPath({ format, slug })}`)),
      siteFeedSubscribers: await live(formats.map((format) => `${publicUrl}${feedPath({ format })}`)),
      countedAt: now.toISOString(),
    },
    subscriptions: await countReach({ ...deps, now: () => now }, { incident: incident.id }),
    subscriptionsNote: SUBSCRIPTIONS_NOTE,
  };
}

type ReportedUpdate = Pick<typeof updates.$inferSelect, keyof typeof REPORTED_UPDATE>;
type ReportedDelivery = Pick<typeof deliveries.$inferSelect, keyof typeof REPORTED_DELIVERY>;

/** One update with its channels (its deliveries in queue order); each failure is added to `failures`. */
export function reportUpdateOf(
  u: ReportedUpdate,
  deliveryRows: readonly ReportedDelivery[],
  accountOf: (id: string) => ReportAccount | null,
  histories: Map<string, DeliveryHistory>,
  failures: ReportFailure[],
): ReportUpdate {
  const channels = deliveryRows.map((d) => {
    const account = accountOf(d.accountId) ?? missingAccount(d.accountId);
    const channel = toChannel(d, u, account, histories.get(d.id));
    const failure = toFailure(d, channel, u.number, histories.get(d.id));
    if (failure) failures.push(failure);
    return channel;
  });
  return {
    id: u.id,
    number: u.number,
    kind: u.kind,
    state: u.state,
    createdAt: u.createdAt.toISOString(),
    publishedAt: u.publishedAt?.toISOString() ?? null,
    author: u.author.name,
    revision: u.revision,
    editedAt: u.editedAt?.toISOString() ?? null,
    withdrawnAt: u.withdrawnAt?.toISOString() ?? null,
    withdrawnReason: u.withdrawnReason,
    channels,
  };
}

export function reportIncidentOf(incident: Incident, publicUrl: string): ReportIncident {
  return {
    id: incident.id,
    slug: incident.slug,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    registrationNumber: incident.registrationNumber,
    exercise: incident.exercise,
    resetAt: incident.resetAt?.toISOString() ?? null,
    openedAt: incident.openedAt.toISOString(),
    closedAt: incident.closedAt?.toISOString() ?? null,
    url: incidentUrl(publicUrl, incident.slug, incident.exercise),
  };
}

export function reportBorrowingOf(
  b: typeof borrowings.$inferSelect,
  names: Map<string, string>,
  accountOf: (id: string) => ReportAccount | null,
  updateNumberOf: (updateId: string | null) => number | null,
): ReportBorrowing {
  return {
    at: b.createdAt.toISOString(),
    person: names.get(b.personId) ?? "",
    account: accountOf(b.accountId) ?? missingAccount(b.accountId),
    updateNumber: updateNumberOf(b.updateId),
    reason: b.reason,
  };
}

export function reportLanguageOf(
  t: Pick<typeof updateTranslations.$inferSelect, "language" | "createdAt" | "createdBy">,
  update: Pick<ReportedUpdate, "number" | "publishedAt"> | undefined,
  names: Map<string, string>,
): ReportLanguage {
  return {
    updateNumber: update?.number ?? 0,
    language: t.language,
    createdAt: t.createdAt.toISOString(),
    secondsAfterSwedish: secondsBetween(update?.publishedAt ?? null, t.createdAt),
    translator: t.createdBy ? (names.get(t.createdBy) ?? null) : null,
  };
}
