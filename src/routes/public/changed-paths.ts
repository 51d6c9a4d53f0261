// The public pages and feeds a change to an incident makes stale. Runtimes with a shared edge
// cache (Workers) purge exactly these through Deps.onPublicChange, so this list must follow the
// public routes: a page missing here is served stale until its max-age runs out.
import { incidentPath, updatePath } from "../../domain/links";

const FEEDS = ["feed.atom", "feed.rss", "feed.json"];

/** Home, the site feeds, the incident page and its feeds, and the given update permalinks. */
export function changedPublicPaths(slug: string, updateNumbers: number[] = []): string[] {
  const incident = incidentPath(slug);
  return [
    "/",
    ...FEEDS.map((feed) => `/${feed}`),
    incident,
    ...FEEDS.map((feed) => `${incident}/${feed}`),
    ...updateNumbers.map((number) => updatePath(slug, number)),
  ];
}
