// What the public sees: published updates only (never those awaiting approval), withdrawn
// ones as a dated notice without their text, and links to the social copies.
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, deliveries, incidents, updates, updateTranslations } from "../../db/schema";
import type { Incident } from "./incidents";
import { SWEDISH } from "./languages";
import type { Update } from "./updates";

export interface SocialCopy {
  platform: string;
  handle: string;
  url: string;
}
export interface PublicUpdate extends Update {
  copies: SocialCopy[];
}

const RECENTLY_RESOLVED_DAYS = 30;

/** The home page (and the crisis banner): real incidents only. The exercises' index lists exercises only. */
export async function loadHomePage(db: DbOrTx, now: Date, exercise = false) {
  const since = new Date(now.getTime() - RECENTLY_RESOLVED_DAYS * 86_400_000);
  const rows = await db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.exercise, exercise),
        // Exercises stay listed after they end: they are looked back on, not acted on.
        exercise ? undefined : or(eq(incidents.status, "active"), gte(incidents.closedAt, since)),
      ),
    )
    .orderBy(desc(incidents.updatedAt))
    .limit(100);
  const latest = await latestUpdates(
    db,
    rows.map((r) => r.id),
  );
  const withLatest = rows.map((incident) => ({ incident, latest: latest.get(incident.id) ?? null }));
  return {
    active: withLatest.filter((r) => r.incident.status === "active"),
    resolved: withLatest.filter((r) => r.incident.status === "resolved"),
  };
}

async function latestUpdates(db: DbOrTx, incidentIds: string[]) {
  const map = new Map<string, Update>();
  if (!incidentIds.length) return map;
  const rows = await db
    .select()
    .from(updates)
    .where(and(inArray(updates.incidentId, incidentIds), eq(updates.state, "published"), isNull(updates.withdrawnAt)))
    .orderBy(asc(updates.number));
  for (const u of rows) map.set(u.incidentId, u);
  return map;
}

/** An exercise's page exists only under /ovning, a real incident's never there (`exercise` says which is asked). */
export async function loadIncidentPage(db: DbOrTx, slug: string, exercise = false) {
  const [incident] = await db.select().from(incidents).where(eq(incidents.slug, slug));
  if (!incident || incident.exercise !== exercise) return null;
  const rows = await db
    .select()
    .from(updates)
    .where(and(eq(updates.incidentId, incident.id), eq(updates.state, "published")))
    .orderBy(asc(updates.number));
  return { incident, updates: await withSocialCopies(db, rows) };
}

async function socialCopies(db: DbOrTx, updateIds: string[]) {
  const map = new Map<string, SocialCopy[]>();
  if (!updateIds.length) return map;
  // One row per update with its copies as one JSON text, not one row per copy: a long crisis
  // fanned out to twenty accounts is twenty times fewer rows to read and map (the archive reads
  // every update's copies, twice).
  const rows = await db
    .select({
      updateId: deliveries.updateId,
      copies: sql<string>`json_agg(json_build_array(${accounts.platform}, ${accounts.handle}, ${deliveries.remoteUrl}) order by ${accounts.platform}, ${accounts.handle})::text`,
    })
    .from(deliveries)
    .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
    .where(
      and(
        inArray(deliveries.updateId, updateIds),
        eq(deliveries.kind, "publish"),
        eq(deliveries.status, "published"),
        isNotNull(deliveries.remoteUrl),
      ),
    )
    .groupBy(deliveries.updateId);
  for (const r of rows) {
    if (!r.updateId) continue; // farewells (deliveries without an update) are never kind "publish"
    const copies = JSON.parse(r.copies) as [string, string, string][];
    map.set(
      r.updateId,
      copies.map(([platform, handle, url]) => ({ platform, handle, url })),
    );
  }
  return map;
}

/** Updates with the social copies the public page links to (also used by the archive's pages). */
export async function withSocialCopies(db: DbOrTx, rows: Update[]): Promise<PublicUpdate[]> {
  const copies = await socialCopies(
    db,
    rows.map((u) => u.id),
  );
  return rows.map((u) => ({ ...u, copies: copies.get(u.id) ?? [] }));
}

export interface FeedEntry {
  incident: Incident;
  update: Update;
}

/** Newest first; withdrawn updates stay as tombstones, those awaiting approval are in no feed. */
export async function loadFeedEntries(
  db: DbOrTx,
  options: { incidentId?: string; limit?: number; exercise?: boolean } = {},
) {
  const rows = await db
    .select({ update: updates, incident: incidents })
    .from(updates)
    .innerJoin(incidents, eq(incidents.id, updates.incidentId))
    .where(
      and(
        eq(updates.state, "published"),
        // The main feeds never carry an exercise; the exercises' feeds carry nothing else.
        eq(incidents.exercise, options.exercise ?? false),
        options.incidentId ? eq(updates.incidentId, options.incidentId) : undefined,
      ),
    )
    .orderBy(desc(updates.publishedAt), desc(updates.number))
    .limit(options.limit ?? 50);
  return rows as FeedEntry[];
}

/** The text of an update as a page in one language shows it. */
export interface ShownText {
  body: string;
  /** The language of `body`: the page's, or Swedish where there is no translation yet. */
  language: string;
  /** True when the page's language has no translation yet and the Swedish text stands in. */
  missing: boolean;
}

/** Each update with the text to show in `language`: its translation, else its Swedish body. */
export async function inLanguage<T extends Update>(
  db: DbOrTx,
  rows: readonly T[],
  language: string,
): Promise<(T & { shown: ShownText })[]> {
  const swedish = (u: T) => ({ ...u, shown: { body: u.body, language: SWEDISH, missing: language !== SWEDISH } });
  if (language === SWEDISH || !rows.length) return rows.map(swedish);
  const translated = await db
    .select({ updateId: updateTranslations.updateId, body: updateTranslations.body })
    .from(updateTranslations)
    .where(
      and(
        inArray(
          updateTranslations.updateId,
          rows.map((u) => u.id),
        ),
        eq(updateTranslations.language, language),
      ),
    );
  const bodies = new Map(translated.map((t) => [t.updateId, t.body]));
  return rows.map((u) => {
    const body = bodies.get(u.id);
    return body === undefined ? swedish(u) : { ...u, shown: { body, language, missing: false } };
  });
}

/** Every translation of the given updates, by update id (for feeds and CAP, which carry several). */
export async function loadTranslations(
  db: DbOrTx,
  updateIds: readonly string[],
): Promise<Map<string, { language: string; body: string }[]>> {
  const map = new Map<string, { language: string; body: string }[]>();
  if (!updateIds.length) return map;
  const rows = await db
    .select({
      updateId: updateTranslations.updateId,
      language: updateTranslations.language,
      body: updateTranslations.body,
    })
    .from(updateTranslations)
    .where(inArray(updateTranslations.updateId, [...updateIds]))
    .orderBy(asc(updateTranslations.language));
  for (const r of rows) {
    const list = map.get(r.updateId) ?? [];
    list.push({ language: r.language, body: r.body });
    map.set(r.updateId, list);
  }
  return map;
}
