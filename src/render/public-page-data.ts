// The data of an incident page and of an update permalink, shared by the live website and the
// archive's copy of it, so that the archived pages are the pages the public saw.
import type { Incident } from "../domain/publishing/incidents";
import { incidentUrl, updateUrl } from "../domain/publishing/links";
import type { PublicUpdate } from "../domain/publishing/public-view";
import type { BrandView } from "./brand";
import { cardImageUrl, cutAtWord, type LinkPreview } from "./link-preview";

export interface PageSite {
  orgName: string;
  publicUrl: string;
  brand: BrandView;
}

/** What "Läget just nu" shows: the latest update still standing, and when anything last changed. */
export interface IncidentSummary {
  now: PublicUpdate | null;
  lastChanged: Date;
}

export function summariseIncident(incident: Incident, updates: Iterable<PublicUpdate>): IncidentSummary {
  let now: PublicUpdate | null = null;
  let lastChanged = incident.closedAt ?? incident.openedAt;
  for (const u of updates) {
    if (!u.withdrawnAt && (!now || u.number > now.number)) now = u;
    for (const at of [u.publishedAt, u.editedAt, u.withdrawnAt]) if (at && at > lastChanged) lastChanged = at;
  }
  return { now, lastChanged };
}

export function incidentPageData(
  site: PageSite,
  incident: Incident,
  updates: PublicUpdate[],
  summary: IncidentSummary,
  oldestFirst: boolean,
) {
  const incidentBase = incidentUrl(site.publicUrl, incident.slug, incident.exercise);
  const { now } = summary;
  const nowUrl = now ? updateUrl(site.publicUrl, incident.slug, now.number, incident.exercise) : null;
  const description = cutAtWord(now?.body ?? incident.summary ?? incident.title);
  const og: LinkPreview = {
    type: "article",
    title: incident.title,
    description,
    url: incidentBase,
    ...(now && nowUrl ? { image: cardImageUrl(nowUrl), imageAlt: now.body } : {}),
  };
  return {
    ...site,
    incident,
    updates,
    oldestFirst,
    /** The layout's large ÖVNING banner. */
    exercise: incident.exercise,
    showNow: true,
    now,
    nowUrl,
    lastChanged: summary.lastChanged,
    title: incident.title,
    description,
    og,
    canonical: incidentBase,
    incidentBase,
    incidentFeed: { title: incident.title, href: `${incidentBase}/feed.atom` },
  };
}

export function updatePageData(site: PageSite, incident: Incident, update: PublicUpdate) {
  const incidentBase = incidentUrl(site.publicUrl, incident.slug, incident.exercise);
  const canonical = updateUrl(site.publicUrl, incident.slug, update.number, incident.exercise);
  const title = `${incident.title}: uppdatering ${update.number}`;
  const description = update.withdrawnAt
    ? cutAtWord(`Uppdateringen har dragits tillbaka. Skäl: ${update.withdrawnReason ?? ""}`)
    : cutAtWord(update.body);
  const og: LinkPreview = {
    type: "article",
    title,
    description,
    url: canonical,
    ...(update.withdrawnAt ? {} : { image: cardImageUrl(canonical), imageAlt: update.body }),
  };
  return {
    ...site,
    incident,
    update,
    exercise: incident.exercise,
    title,
    description,
    og,
    canonical,
    incidentBase,
    incidentFeed: { title: incident.title, href: `${incidentBase}/feed.atom` },
  };
}
