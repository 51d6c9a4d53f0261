// One feed document, for the public route and for WebSub's pushes alike: a subscriber must
// receive exactly the bytes a reader fetching the topic would get. Every feed names this hub as
// its WebSub hub and itself as the topic (rel="hub", rel="self").
import type { Deps } from "../../deps";
import { toBrandView } from "../../render/brand";
import { type FeedScope, renderAtom, renderJsonFeed, renderRss } from "../../render/feeds";
import { publicLanguageView } from "../../render/public-language";
import { findIncidentBySlug } from "./incidents";
import { SWEDISH } from "./languages";
import { EXERCISE_BASE, incidentPath } from "./links";
import { getOrganisation, getOrganisationProfile } from "./organisation";
import { offeredLanguagesOf } from "./organisation-languages";
import { inLanguage, loadFeedEntries } from "./public-view";

export const FEED_FORMATS = {
  atom: { type: "application/atom+xml; charset=utf-8" },
  rss: { type: "application/rss+xml; charset=utf-8" },
  json: { type: "application/feed+json; charset=utf-8" },
} as const;
export type FeedFormat = keyof typeof FEED_FORMATS;

export interface FeedAddress {
  format: FeedFormat;
  /** Set for an incident's own feed. */
  slug?: string;
  /** The exercises' feeds under /ovning, in Swedish only (never pushed over WebSub: feedOfPath knows only the real ones). */
  exercise?: boolean;
  /** Set for a feed in a language other than Swedish (/en/feed.atom). */
  language?: string;
}

/** The hub every feed advertises: this hub's own /websub. */
export function hubUrl(publicUrl: string): string {
  return `${publicUrl}/websub`;
}

export function feedPath(feed: FeedAddress): string {
  if (feed.exercise) {
    return feed.slug ? `${incidentPath(feed.slug, true)}/feed.${feed.format}` : `${EXERCISE_BASE}/feed.${feed.format}`;
  }
  const prefix = feed.language && feed.language !== SWEDISH ? `/${feed.language}` : "";
  return prefix + (feed.slug ? `/incidents/${feed.slug}/feed.${feed.format}` : `/feed.${feed.format}`);
}

/**
 * The feed a public path or topic URL names, or null for anything that is not one of our feeds.
 * Whether a prefixed language is offered is for the rendering to say (a 404 until it is).
 */
export function feedOfPath(path: string): FeedAddress | null {
  const match = /^(?:\/([a-z]{2,3}(?:-[a-zA-Z0-9]{1,8})*))?(?:\/incidents\/([a-z0-9-]+))?\/feed\.(atom|rss|json)$/.exec(
    path,
  );
  if (!match || match[1] === SWEDISH) return null;
  return {
    format: match[3] as FeedFormat,
    ...(match[2] ? { slug: match[2] } : {}),
    ...(match[1] ? { language: match[1] } : {}),
  };
}

export function feedOfTopic(publicUrl: string, topic: string): FeedAddress | null {
  if (!topic.startsWith(`${publicUrl}/`)) return null;
  return feedOfPath(topic.slice(publicUrl.length));
}

/** `Link` header value naming the hub and the topic (WebSub §4). */
export function hubLinkHeader(publicUrl: string, feed: FeedAddress): string {
  return `<${hubUrl(publicUrl)}>; rel="hub", <${publicUrl}${feedPath(feed)}>; rel="self"`;
}

export async function renderFeedDocument(
  deps: Pick<Deps, "db" | "config">,
  feed: FeedAddress,
): Promise<{ status: 200 | 404; body: string }> {
  const publicUrl = deps.config.publicUrl;
  const org = await getOrganisation(deps.db);
  const language = feed.exercise ? SWEDISH : (feed.language ?? SWEDISH);
  const offered = offeredLanguagesOf(org);
  if (!offered.includes(language)) return { status: 404, body: "The language is not offered." };
  const brand = toBrandView(await getOrganisationProfile(deps.db), publicUrl);
  const view = publicLanguageView(publicUrl, offered, language, "/");
  const scope: FeedScope = {
    publicUrl,
    orgName: brand.name,
    logoUrl: brand.logoUrl,
    iconUrl: `${publicUrl}/apple-touch-icon.png`,
    // Exercises have no WebSub: their feeds name no hub. They are in Swedish only.
    hubUrl: feed.exercise ? undefined : hubUrl(publicUrl),
    exercise: feed.exercise,
    language,
    site: view.site,
    texts: view.t,
    helpers: view.h,
    alternates:
      offered.length > 1 && !feed.exercise
        ? offered.map((tag) => ({ hreflang: tag, href: publicUrl + feedPath({ ...feed, language: tag }) }))
        : [],
  };
  let incidentId: string | undefined;
  if (feed.slug) {
    const incident = await findIncidentBySlug(deps.db, feed.slug);
    // An exercise's feed lives under /ovning only, a real incident's never there.
    if (!incident || incident.exercise !== Boolean(feed.exercise))
      return { status: 404, body: "Händelsen finns inte." };
    scope.incident = { slug: incident.slug, title: incident.title };
    incidentId = incident.id;
  }
  const rows = await loadFeedEntries(deps.db, {
    incidentId,
    exercise: Boolean(feed.exercise),
    limit: feed.slug ? 500 : 50,
  });
  const shown = new Map(
    (
      await inLanguage(
        deps.db,
        rows.map((r) => r.update),
        language,
      )
    ).map((u) => [u.id, u.shown]),
  );
  const entries = rows.map((r) => ({ ...r, shown: shown.get(r.update.id) }));
  const fallback = org.createdAt;
  const body =
    feed.format === "atom"
      ? renderAtom(scope, entries, fallback)
      : feed.format === "rss"
        ? renderRss(scope, entries, fallback)
        : renderJsonFeed(scope, entries);
  return { status: 200, body };
}
