// Site-wide and per-incident feeds in Atom, RSS and JSON Feed 1.1.

import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { findIncidentBySlug } from "../../domain/publishing/incidents";
import { getOrganisation, getOrganisationProfile } from "../../domain/publishing/organisation";
import { loadFeedEntries } from "../../domain/publishing/public-view";
import { toBrandView } from "../../render/brand";
import { type FeedScope, renderAtom, renderJsonFeed, renderRss } from "../../render/feeds";
import { serveCached } from "./serve-cached";

const FORMATS = {
  atom: { type: "application/atom+xml; charset=utf-8" },
  rss: { type: "application/rss+xml; charset=utf-8" },
  json: { type: "application/feed+json; charset=utf-8" },
} as const;
type Format = keyof typeof FORMATS;

function serveFeed(c: Context<AppEnv>, format: Format, slug?: string) {
  return serveCached(c, FORMATS[format].type, async () => {
    const { deps } = c.env;
    const org = await getOrganisation(deps.db);
    const brand = toBrandView(await getOrganisationProfile(deps.db), deps.config.publicUrl);
    const scope: FeedScope = {
      publicUrl: deps.config.publicUrl,
      orgName: brand.name,
      logoUrl: brand.logoUrl,
      iconUrl: `${deps.config.publicUrl}/apple-touch-icon.png`,
    };
    let incidentId: string | undefined;
    if (slug) {
      const incident = await findIncidentBySlug(deps.db, slug);
      if (!incident) return { status: 404, body: "Händelsen finns inte." };
      scope.incident = { slug: incident.slug, title: incident.title };
      incidentId = incident.id;
    }
    const entries = await loadFeedEntries(deps.db, { incidentId, limit: slug ? 500 : 50 });
    const fallback = org.createdAt;
    const body =
      format === "atom"
        ? renderAtom(scope, entries, fallback)
        : format === "rss"
          ? renderRss(scope, entries, fallback)
          : renderJsonFeed(scope, entries);
    return { status: 200, body };
  });
}

export const publicFeeds = new Hono<AppEnv>();
for (const format of Object.keys(FORMATS) as Format[]) {
  publicFeeds.get(`/feed.${format}`, (c) => serveFeed(c, format));
  publicFeeds.get(`/incidents/:slug/feed.${format}`, (c) => serveFeed(c, format, c.req.param("slug")));
}
