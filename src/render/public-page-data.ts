// The data of an incident page and of an update permalink, shared by the live website and the
// archive's copy of it, so that the archived pages are the pages the public saw.
import type { Incident } from "../domain/publishing/incidents";
import { incidentPath, updatePath, updateUrl } from "../domain/publishing/links";
import type { PublicUpdate, ShownText } from "../domain/publishing/public-view";
import type { BrandView } from "./brand";
import { cardImageUrl, cutAtWord, type LinkPreview, ogLocale } from "./link-preview";
import { type PublicTexts, SWEDISH_TEXTS } from "./public-texts";

export interface PageSite {
  orgName: string;
  publicUrl: string;
  brand: BrandView;
  /** The site's base address in the page's language (publicUrl + "/en"); publicUrl for Swedish. */
  site?: string;
  /** The page's fixed texts, when not Swedish (see public-language.ts). */
  t?: PublicTexts;
  /** The html lang of the page. */
  lang?: string;
}

/** The text shown for an update: its translation on a page in another language, else its Swedish body. */
function shownBody(update: PublicUpdate & { shown?: ShownText }): string {
  return update.shown?.body ?? update.body;
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
  // An exercise has its pages under /ovning, in Swedish only.
  const root = incident.exercise ? site.publicUrl : (site.site ?? site.publicUrl);
  const incidentBase = root + incidentPath(incident.slug, incident.exercise);
  const { now } = summary;
  const nowUrl = now ? root + updatePath(incident.slug, now.number, incident.exercise) : null;
  const description = cutAtWord(now ? shownBody(now) : (incident.summary ?? incident.title));
  const og: LinkPreview = {
    type: "article",
    title: incident.title,
    description,
    url: incidentBase,
    locale: ogLocale(site.lang),
    // The card is drawn once, from the Swedish permalink, whatever the page's language.
    ...(now
      ? {
          image: cardImageUrl(updateUrl(site.publicUrl, incident.slug, now.number, incident.exercise)),
          imageAlt: shownBody(now),
        }
      : {}),
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
  const root = incident.exercise ? site.publicUrl : (site.site ?? site.publicUrl);
  const incidentBase = root + incidentPath(incident.slug, incident.exercise);
  const canonical = root + updatePath(incident.slug, update.number, incident.exercise);
  const t = site.t ?? SWEDISH_TEXTS;
  const title = t.updatePageTitle(incident.title, update.number);
  const description = update.withdrawnAt
    ? cutAtWord(`${t.withdrawnSummary} ${t.reason}: ${update.withdrawnReason ?? ""}`)
    : cutAtWord(shownBody(update));
  const card = cardImageUrl(updateUrl(site.publicUrl, incident.slug, update.number, incident.exercise));
  const og: LinkPreview = {
    type: "article",
    title,
    description,
    url: canonical,
    locale: ogLocale(site.lang),
    ...(update.withdrawnAt ? {} : { image: card, imageAlt: shownBody(update) }),
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
