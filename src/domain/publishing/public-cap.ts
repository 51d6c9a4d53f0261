// CAP 1.2 on the public website, for alerting systems. A message once issued is never changed:
// an update is issued when it is published, each later edit as a new Update message, and a
// withdrawal as a Cancel of that update's messages. Every message references the incident's
// messages issued before it, in issuing order, so a later change never alters one already served.
// Closing an incident without an all-clear issues a final Update saying the event is over
// (responseType AllClear, urgency Past): CAP keeps Cancel for messages sent in error, and the
// incident's messages were not in error, it ended.
import { and, asc, desc, eq, gt, gte, inArray, or, sql } from "drizzle-orm";
import {
  type CapChain,
  type CapContext,
  type CapIncident,
  type CapIssue,
  type CapMessage,
  type CapTranslation,
  capExpiresAt,
  capSender,
  capTranslationOf,
  rememberMessage,
  renderCapMessage,
  startCapChain,
} from "../../archive/cap";
import { stockholmTime } from "../../archive/xml";
import type { DbOrTx } from "../../db/client";
import { incidents, updateRevisions, updates, updateTranslationRevisions, updateTranslations } from "../../db/schema";
import type { Deps } from "../../deps";
import { localisedUrl, publicLanguageView } from "../../render/public-language";
import { SWEDISH_TEXTS } from "../../render/public-texts";
import { sha256Hex } from "../accounts/secrets";
import { findIncidentBySlug, type Incident } from "./incidents";
import { SWEDISH } from "./languages";
import { incidentPath, incidentUrl, updatePath, updateUrl } from "./links";
import { getOrganisation, getOrganisationProfile } from "./organisation";
import { loadTranslations } from "./public-view";
import type { Update } from "./updates";

type CapDeps = Pick<Deps, "db" | "now" | "config">;

/** Incidents resolved longer ago than this leave the index (their messages stay served). */
const INDEX_RESOLVED_DAYS = 7;
/** No closing message stays in force longer than an all-clear's six hours. */
const ALL_CLEAR_WINDOW_MS = 6 * 3_600_000;
/** Aggregators want a small index: ~100 entries stay well under 100 KB. */
export const INDEX_MAX_ENTRIES = 100;

export function capMessagePath(slug: string, number: number, exercise = false): string {
  return `${updatePath(slug, number, exercise)}/cap.xml`;
}
export function capCancelPath(slug: string, number: number, exercise = false): string {
  return `${updatePath(slug, number, exercise)}/cap-cancel.xml`;
}
/** The final message of an incident closed without an all-clear. */
export function capClosedPath(slug: string, exercise = false): string {
  return `${incidentPath(slug, exercise)}/cap-closed.xml`;
}

/** One message as issued: on publishing, on a later edit or translation, or on withdrawal. */
interface Issued {
  kind: "publish" | "edit" | "translation" | "cancel";
  update: Update;
  revision: number;
  message: CapMessage;
  at: Date;
}

/** The message an update stands as now, which is what its address serves and the index lists. */
export interface CurrentCap {
  kind: "message" | "cancel" | "closed";
  identifier: string;
  sentAt: Date;
}

/**
 * The publish message keeps the archive's identifier (urn:uuid:update id); an edit made after
 * publishing is its own message named by its revision row; a withdrawal's Cancel gets a UUID
 * derived from the update id, so it is the same on every render and every runtime.
 */
export async function currentCapOf(
  update: Pick<Update, "id" | "publishedAt" | "createdAt" | "editedAt" | "withdrawnAt">,
  revisionId: string | null,
  /** The latest translation revision, when one was written after publishing (see loadIssued). */
  translation: { id: string; at: Date } | null = null,
): Promise<CurrentCap> {
  if (update.withdrawnAt) {
    return { kind: "cancel", identifier: await cancelIdentifier(update.id), sentAt: update.withdrawnAt };
  }
  const publishedAt = update.publishedAt ?? update.createdAt;
  const edited = update.editedAt && update.editedAt > publishedAt && revisionId ? update.editedAt : null;
  if (translation && translation.at > publishedAt && (!edited || translation.at >= edited)) {
    return { kind: "message", identifier: `urn:uuid:${translation.id}`, sentAt: translation.at };
  }
  if (update.editedAt && update.editedAt > publishedAt && revisionId) {
    return { kind: "message", identifier: `urn:uuid:${revisionId}`, sentAt: update.editedAt };
  }
  return { kind: "message", identifier: `urn:uuid:${update.id}`, sentAt: publishedAt };
}

async function cancelIdentifier(updateId: string): Promise<string> {
  return nameBasedIdentifier(`kriskanal:cap-cancel:${updateId}`);
}

async function closedIdentifier(incidentId: string): Promise<string> {
  return nameBasedIdentifier(`kriskanal:cap-closed:${incidentId}`);
}

async function nameBasedIdentifier(name: string): Promise<string> {
  const hex = await sha256Hex(name);
  // A name-based UUID (version 8, RFC 9562 variant).
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Every message of the incident in issuing order. */
async function loadIssued(db: DbOrTx, incident: Incident, sender: string): Promise<Issued[]> {
  const published = and(eq(updates.incidentId, incident.id), eq(updates.state, "published"));
  const rows = await db.select().from(updates).where(published).orderBy(asc(updates.number));
  // An edit made while the update awaited approval went out with the publish message.
  const edits = await db
    .select({
      updateId: updateRevisions.updateId,
      id: updateRevisions.id,
      revision: updateRevisions.revision,
      at: updateRevisions.createdAt,
    })
    .from(updateRevisions)
    .innerJoin(updates, eq(updates.id, updateRevisions.updateId))
    .where(and(published, gt(updateRevisions.revision, 1), gt(updateRevisions.createdAt, updates.publishedAt)));
  // A translation added or changed after publishing is news to alerting systems, as an edit is.
  const translated = await db
    .select({
      updateId: updateTranslations.updateId,
      id: updateTranslationRevisions.id,
      revision: updateTranslationRevisions.revision,
      at: updateTranslationRevisions.createdAt,
    })
    .from(updateTranslationRevisions)
    .innerJoin(updateTranslations, eq(updateTranslations.id, updateTranslationRevisions.translationId))
    .innerJoin(updates, eq(updates.id, updateTranslations.updateId))
    .where(and(published, gt(updateTranslationRevisions.createdAt, updates.publishedAt)));
  const byId = new Map(rows.map((u) => [u.id, u]));
  const message = (identifier: string, at: Date): CapMessage => ({ identifier, sender, sent: stockholmTime(at) });
  const issued: Issued[] = [];
  for (const update of rows) {
    const at = update.publishedAt ?? update.createdAt;
    issued.push({ kind: "publish", update, revision: 1, at, message: message(`urn:uuid:${update.id}`, at) });
    if (update.withdrawnAt) {
      const cancel = message(await cancelIdentifier(update.id), update.withdrawnAt);
      issued.push({ kind: "cancel", update, revision: update.revision, at: update.withdrawnAt, message: cancel });
    }
  }
  for (const edit of edits) {
    const update = byId.get(edit.updateId);
    if (update) {
      const at = edit.at;
      issued.push({ kind: "edit", update, revision: edit.revision, at, message: message(`urn:uuid:${edit.id}`, at) });
    }
  }
  for (const t of translated) {
    const update = byId.get(t.updateId);
    // A withdrawn update's Cancel is its last word.
    if (!update || (update.withdrawnAt && t.at >= update.withdrawnAt)) continue;
    const at = t.at;
    issued.push({
      kind: "translation",
      update,
      revision: t.revision,
      at,
      message: message(`urn:uuid:${t.id}`, at),
    });
  }
  const order = { publish: 0, edit: 1, translation: 2, cancel: 3 };
  return issued.sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() ||
      a.update.number - b.update.number ||
      order[a.kind] - order[b.kind] ||
      a.revision - b.revision,
  );
}

function incidentOf(incident: Incident): CapIncident {
  return {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    areas: incident.areas,
    areaCodes: incident.areaCodes,
    polygon: incident.polygon,
    expectedEnd: incident.expectedEnd,
    cap: incident.cap,
    exercise: incident.exercise,
  };
}

async function capContextOf(deps: CapDeps, incident: Incident, web: string): Promise<CapContext> {
  const profile = await getOrganisationProfile(deps.db);
  const publicUrl = deps.config.publicUrl;
  const incidentBase = incidentUrl(publicUrl, incident.slug, incident.exercise);
  return {
    sender: capSender(publicUrl),
    senderName: profile.name,
    web,
    fullChain:
      `Händelsens alla uppdateringar finns på ${incidentBase} och varje uppdatering har sitt ` +
      `CAP-meddelande på ${incidentBase}/updates/<nummer>/cap.xml.`,
    contact: profile.contactLines.length ? profile.contactLines.join("; ") : undefined,
    expiresHours: deps.config.capExpiresHours,
  };
}

/** Closed without a standing all-clear, after at least one message: the incident owes a final one. */
function owesClosingMessage(incident: Incident, issued: Issued[]): boolean {
  if (incident.status !== "resolved" || !incident.closedAt || !issued.length) return false;
  const cancelled = new Set(issued.filter((i) => i.kind === "cancel").map((i) => i.update.id));
  return !issued.some((i) => i.update.kind === "all_clear" && !cancelled.has(i.update.id));
}

/** The final Update of an incident closed without an all-clear, referencing every earlier message. */
export async function renderClosedCap(deps: CapDeps, slug: string, exercise = false): Promise<string | null> {
  const incident = await findIncidentBySlug(deps.db, slug);
  if (!incident?.closedAt || incident.exercise !== exercise) return null;
  const sender = capSender(deps.config.publicUrl);
  const issued = await loadIssued(deps.db, incident, sender);
  if (!owesClosingMessage(incident, issued)) return null;
  const context = await capContextOf(
    deps,
    incident,
    incidentUrl(deps.config.publicUrl, incident.slug, incident.exercise),
  );
  const earlier = startCapChain();
  for (const i of issued) rememberMessage(earlier, i.message);
  const issue: CapIssue = {
    identifier: await closedIdentifier(incident.id),
    sentAt: incident.closedAt,
    msgType: "Update",
    notes: ["Händelsen avslutades utan ett särskilt faran över-meddelande; det här meddelandet ersätter det."],
    headline: SWEDISH_TEXTS.closedHeadline(incident.title),
    update: {
      number: 0,
      kind: "all_clear",
      body: SWEDISH_TEXTS.closedBody(incident.title, stockholmTime(incident.closedAt)),
      translations: await closedTranslations(deps, incident, incident.closedAt),
    },
  };
  return renderCapMessage(incidentOf(incident), issue, earlier, context);
}

/**
 * The closing message in each language the incident's updates were translated into and the hub
 * has words for: what the incident was said in, not what is offered now, so the message stays
 * as it was served when the organisation's languages change later.
 */
async function closedTranslations(deps: CapDeps, incident: Incident, closedAt: Date): Promise<CapTranslation[]> {
  const rows = await deps.db
    .selectDistinct({ language: updateTranslations.language })
    .from(updateTranslations)
    .innerJoin(updates, eq(updates.id, updateTranslations.updateId))
    .where(and(eq(updates.incidentId, incident.id), eq(updates.state, "published")))
    .orderBy(asc(updateTranslations.language));
  const publicUrl = deps.config.publicUrl;
  return rows.flatMap(({ language }) => {
    const view = publicLanguageView(publicUrl, [SWEDISH, language], language, incidentPath(incident.slug));
    if (view.lang !== language) return [];
    return [
      {
        language,
        headline: view.t.closedHeadline(incident.title),
        body: view.t.closedBody(incident.title, view.h.when(closedAt)),
        web: localisedUrl(publicUrl, language, incidentPath(incident.slug)),
      },
    ];
  });
}

/**
 * The current CAP message of update `number`: its latest message while it stands, or the Cancel
 * once withdrawn (`want` says which the caller serves). Null for anything else.
 */
export async function renderCurrentCap(
  deps: CapDeps,
  slug: string,
  number: number,
  want: CurrentCap["kind"],
  exercise = false,
): Promise<string | null> {
  const incident = await findIncidentBySlug(deps.db, slug);
  // An exercise's messages are served under /ovning only, a real incident's never there.
  if (!incident || incident.exercise !== exercise) return null;
  const publicUrl = deps.config.publicUrl;
  const sender = capSender(publicUrl);
  const issued = await loadIssued(deps.db, incident, sender);
  const ofUpdate = issued.filter((i) => i.update.number === number);
  if (!ofUpdate.length) return null;
  const current = ofUpdate[ofUpdate.length - 1];
  if ((current.kind === "cancel") !== (want === "cancel")) return null;
  const context = await capContextOf(deps, incident, updateUrl(publicUrl, incident.slug, number, incident.exercise));
  const update = current.update;
  if (current.kind === "cancel") {
    // A Cancel names exactly what it cancels: this update's messages, not the whole incident.
    const cancelled = startCapChain();
    for (const i of ofUpdate) if (i !== current) rememberMessage(cancelled, i.message);
    const issue: CapIssue = {
      identifier: current.message.identifier,
      sentAt: current.at,
      msgType: "Cancel",
      notes: [
        `Uppdatering ${number} om ${incident.title} drogs tillbaka ${current.message.sent}, se ${context.web}. ` +
          `Skäl: ${update.withdrawnReason ?? ""}`,
      ],
      update: null,
    };
    return renderCapMessage(incidentOf(incident), issue, cancelled, context);
  }
  const earlier: CapChain = startCapChain();
  for (const i of issued) {
    if (i === current) break;
    rememberMessage(earlier, i.message);
  }
  const issue: CapIssue = {
    identifier: current.message.identifier,
    sentAt: current.at,
    msgType: earlier.count ? "Update" : "Alert",
    notes:
      current.kind === "edit"
        ? [
            `Ändrad text för uppdatering ${number} (version ${current.revision}), ersätter tidigare meddelanden om ` +
              `samma uppdatering. Skäl: ${update.editReason ?? ""}`,
          ]
        : current.kind === "translation"
          ? [
              `Ny eller ändrad översättning av uppdatering ${number}, ersätter tidigare meddelanden om samma ` +
                "uppdatering. Den svenska texten är oförändrad.",
            ]
          : [],
    update: { ...update, translations: await capTranslationsOf(deps, incident, update) },
  };
  return renderCapMessage(incidentOf(incident), issue, earlier, context);
}

/** The update's translations as <info> blocks: its text, a headline in its language, its page. */
async function capTranslationsOf(deps: CapDeps, incident: Incident, update: Update): Promise<CapTranslation[]> {
  const translations = (await loadTranslations(deps.db, [update.id])).get(update.id) ?? [];
  if (!translations.length) return [];
  const offered = (await getOrganisation(deps.db)).languages ?? [];
  const publicUrl = deps.config.publicUrl;
  return translations.map((translation) =>
    capTranslationOf(
      incident,
      update,
      translation,
      offered.includes(translation.language)
        ? localisedUrl(publicUrl, translation.language, updatePath(incident.slug, update.number))
        : updateUrl(publicUrl, incident.slug, update.number),
    ),
  );
}

export interface CapIndexEntry {
  incident: Pick<Incident, "slug" | "title">;
  update: Pick<Update, "number" | "kind">;
  current: CurrentCap;
  /** The CAP message's address on the website. */
  url: string;
  /** The update's permalink. */
  web: string;
}

/** Newest first: the current message of every update of active incidents and recently resolved ones. */
export async function loadCapIndex(
  deps: CapDeps,
): Promise<{ orgName: string; fallback: Date; entries: CapIndexEntry[] }> {
  const since = new Date(deps.now().getTime() - INDEX_RESOLVED_DAYS * 86_400_000);
  const rows = await deps.db
    .select({ update: updates, incident: incidents, revisionId: updateRevisions.id })
    .from(updates)
    .innerJoin(incidents, eq(incidents.id, updates.incidentId))
    .leftJoin(
      updateRevisions,
      and(eq(updateRevisions.updateId, updates.id), eq(updateRevisions.revision, updates.revision)),
    )
    .where(
      and(
        eq(updates.state, "published"),
        // Alerting systems read this index: an exercise is never in it.
        eq(incidents.exercise, false),
        or(eq(incidents.status, "active"), gte(incidents.closedAt, since)),
      ),
    )
    .orderBy(
      desc(sql`coalesce(${updates.withdrawnAt}, greatest(${updates.editedAt}, ${updates.publishedAt}))`),
      desc(updates.number),
    )
    .limit(INDEX_MAX_ENTRIES);
  const org = await getOrganisation(deps.db);
  const latestTranslations = await latestTranslationRevisions(
    deps.db,
    rows.map((r) => r.update.id),
  );
  const publicUrl = deps.config.publicUrl;
  const now = deps.now();
  const hours = deps.config.capExpiresHours;
  const entries: CapIndexEntry[] = [];
  for (const row of rows) {
    const current = await currentCapOf(row.update, row.revisionId, latestTranslations.get(row.update.id) ?? null);
    // A Cancel carries no <info>; it stays listed as long as what it cancels would have.
    const expires = capExpiresAt(row.incident, row.update.kind === "all_clear", current.sentAt, hours);
    if (expires <= now) continue;
    const { slug } = row.incident;
    const path =
      current.kind === "cancel" ? capCancelPath(slug, row.update.number) : capMessagePath(slug, row.update.number);
    entries.push({
      incident: row.incident,
      update: row.update,
      current,
      url: publicUrl + path,
      web: updateUrl(publicUrl, slug, row.update.number),
    });
  }
  entries.push(...(await closingEntries(deps, now)));
  entries.sort((a, b) => b.current.sentAt.getTime() - a.current.sentAt.getTime());
  return { orgName: org.name, fallback: org.createdAt, entries: entries.slice(0, INDEX_MAX_ENTRIES) };
}

/** Per update, its most recent translation revision (any language). */
async function latestTranslationRevisions(db: DbOrTx, updateIds: string[]) {
  const latest = new Map<string, { id: string; at: Date }>();
  if (!updateIds.length) return latest;
  const rows = await db
    .select({
      updateId: updateTranslations.updateId,
      id: updateTranslationRevisions.id,
      at: updateTranslationRevisions.createdAt,
    })
    .from(updateTranslationRevisions)
    .innerJoin(updateTranslations, eq(updateTranslations.id, updateTranslationRevisions.translationId))
    .where(inArray(updateTranslations.updateId, updateIds))
    .orderBy(asc(updateTranslationRevisions.createdAt));
  for (const r of rows) latest.set(r.updateId, { id: r.id, at: r.at });
  return latest;
}

/** The closing messages still in force: they expire like an all-clear, so only recent closings. */
async function closingEntries(deps: CapDeps, now: Date): Promise<CapIndexEntry[]> {
  const publicUrl = deps.config.publicUrl;
  const sender = capSender(publicUrl);
  const recent = await deps.db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.status, "resolved"),
        eq(incidents.exercise, false),
        gte(incidents.closedAt, new Date(now.getTime() - ALL_CLEAR_WINDOW_MS)),
      ),
    );
  const entries: CapIndexEntry[] = [];
  for (const incident of recent) {
    if (!incident.closedAt) continue;
    if (capExpiresAt(incident, true, incident.closedAt) <= now) continue;
    if (!owesClosingMessage(incident, await loadIssued(deps.db, incident, sender))) continue;
    entries.push({
      incident,
      update: { number: 0, kind: "all_clear" },
      current: { kind: "closed", identifier: await closedIdentifier(incident.id), sentAt: incident.closedAt },
      url: publicUrl + capClosedPath(incident.slug),
      web: incidentUrl(publicUrl, incident.slug),
    });
  }
  return entries;
}
