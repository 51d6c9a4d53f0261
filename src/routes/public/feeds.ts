// Site-wide and per-incident feeds in Atom, RSS and JSON Feed 1.1, each naming its WebSub hub
// in a Link header as well as in the document (see routes/public/websub.ts).

import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import {
  FEED_FORMATS,
  type FeedAddress,
  type FeedFormat,
  hubLinkHeader,
  renderFeedDocument,
} from "../../domain/publishing/feed-document";
import { SWEDISH } from "../../domain/publishing/languages";
import { EXERCISE_BASE } from "../../domain/publishing/links";
import { requestedLanguage } from "./language";
import { serveCached } from "./serve-cached";

async function serveFeed(c: Context<AppEnv>, feed: FeedAddress) {
  const { deps } = c.env;
  const res = await serveCached(c, FEED_FORMATS[feed.format].type, () => renderFeedDocument(deps, feed));
  if ((res.status !== 200 && res.status !== 304) || feed.exercise) return res;
  const linked = new Response(res.body, res);
  linked.headers.set("link", hubLinkHeader(deps.config.publicUrl, feed));
  return linked;
}

export const publicFeeds = new Hono<AppEnv>();
// Mounted unprefixed (Swedish) and under each language's prefix (localised.ts).
const inLanguageOf = (c: Context<AppEnv>) => {
  const language = requestedLanguage(c);
  return language === SWEDISH ? {} : { language };
};
for (const format of Object.keys(FEED_FORMATS) as FeedFormat[]) {
  publicFeeds.get(`/feed.${format}`, (c) => serveFeed(c, { format, ...inLanguageOf(c) }));
  publicFeeds.get(`/incidents/:slug/feed.${format}`, (c) =>
    serveFeed(c, { format, slug: c.req.param("slug"), ...inLanguageOf(c) }),
  );
  // The exercises' own feeds: never the main ones, without a WebSub hub, and in Swedish only.
  publicFeeds.get(`${EXERCISE_BASE}/feed.${format}`, (c) =>
    requestedLanguage(c) === SWEDISH ? serveFeed(c, { format, exercise: true }) : c.notFound(),
  );
  publicFeeds.get(`${EXERCISE_BASE}/:slug/feed.${format}`, (c) =>
    requestedLanguage(c) === SWEDISH
      ? serveFeed(c, { format, slug: c.req.param("slug"), exercise: true })
      : c.notFound(),
  );
}
