// The crisis card of a published update, drawn once per revision: a correction of the text makes
// a new card, a second request for the same revision is served from memory.
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { incidents, updates } from "../../db/schema";
import type { Deps } from "../../deps";
import { buildCardTree, CARD_FORMATS, type CardContent, type CardFormat } from "../../render/crisis-card";
import type { Imaging } from "../../render/imaging";
import { updatePath, updateUrl } from "./links";
import { getOrganisationProfile } from "./organisation";

/** Cards kept per process; a crisis has a handful of live updates, a card is ~100 kB. */
const CACHE_SIZE = 64;

export type CardOrganisation = CardContent["organisation"];

/** The organisation as the card shows it: its profile's name, colours and logo. */
export async function loadCardOrganisation(db: DbOrTx): Promise<CardOrganisation> {
  const profile = await getOrganisationProfile(db);
  return {
    name: profile.name,
    primaryColour: profile.primaryColour,
    textColour: profile.textColour,
    logo: profile.logo ? { type: profile.logo.type, bytes: profile.logo.bytes } : null,
  };
}

export function cardPath(slug: string, number: number, format: CardFormat, exercise = false): string {
  return `${updatePath(slug, number, exercise)}/${format}.png`;
}

export function cardUrl(publicUrl: string, slug: string, number: number, format: CardFormat, exercise = false): string {
  return publicUrl + cardPath(slug, number, format, exercise);
}

export type CardResult =
  | { state: "found"; png: Uint8Array<ArrayBuffer>; etag: string; alt: string }
  | { state: "absent" }
  | { state: "withdrawn" };

const caches = new WeakMap<Imaging, Map<string, Promise<Uint8Array<ArrayBuffer>>>>();

export async function renderUpdateCard(
  deps: Pick<Deps, "db" | "imaging" | "config">,
  slug: string,
  number: number,
  format: CardFormat,
  exercise = false,
): Promise<CardResult> {
  if (!Number.isSafeInteger(number) || number < 1) return { state: "absent" };
  const [row] = await deps.db
    .select({ update: updates, title: incidents.title })
    .from(updates)
    .innerJoin(incidents, eq(incidents.id, updates.incidentId))
    .where(
      and(
        eq(incidents.slug, slug),
        // An exercise's cards are under /ovning only, and say ÖVNING in their title.
        eq(incidents.exercise, exercise),
        eq(updates.number, number),
        eq(updates.state, "published"),
      ),
    );
  if (!row) return { state: "absent" };
  const { update } = row;
  if (update.withdrawnAt) return { state: "withdrawn" };
  const organisation = await loadCardOrganisation(deps.db);
  const look = lookStamp(organisation);
  const key = `${update.id}:${update.revision}:${format}:${look}`;
  const cache = cacheOf(deps.imaging);
  let png = cache.get(key);
  if (!png) {
    const content: CardContent = {
      organisation,
      incidentTitle: exercise ? `ÖVNING: ${row.title}` : row.title,
      number: update.number,
      kind: update.kind,
      publishedAt: update.publishedAt ?? update.createdAt,
      body: update.body,
      shortLink: updateUrl(deps.config.publicUrl, slug, update.number, exercise).replace(/^https?:\/\//, ""),
    };
    const { width, height } = CARD_FORMATS[format];
    png = deps.imaging.renderPng(buildCardTree(content, format), width, height);
    png.catch(() => cache.delete(key));
    cache.set(key, png);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  return {
    state: "found",
    png: await png,
    etag: `"${update.id}-${update.revision}-${format}-${look}"`,
    alt: update.body,
  };
}

function cacheOf(imaging: Imaging) {
  let cache = caches.get(imaging);
  if (!cache) {
    cache = new Map();
    caches.set(imaging, cache);
  }
  return cache;
}

/** A short stamp of what the organisation's look is, so a new colour or logo makes new cards. */
function lookStamp(org: CardOrganisation): string {
  const source = `${org.name}|${org.primaryColour}|${org.textColour}|${org.logo?.bytes.length ?? 0}`;
  let hash = 0;
  for (let i = 0; i < source.length; i++) hash = (Math.imul(hash, 31) + source.charCodeAt(i)) | 0;
  return (hash >>> 0).toString(36);
}
