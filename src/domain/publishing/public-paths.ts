// The public pages and feeds a change makes stale. Runtimes with a shared edge cache (Workers)
// purge exactly these through Deps.onPublicChange, so this list must follow the public routes:
// a page missing here is served stale until its max-age runs out.
import { SWEDISH } from "./languages";
import { EXERCISE_BASE, incidentPath, updatePath } from "./links";
import { capCancelPath, capClosedPath, capMessagePath } from "./public-cap";

const FEEDS = ["feed.atom", "feed.rss", "feed.json"];

/** The crisis banner's data and frame, which list the active incidents in the profile's colours. */
const EMBED_PATHS = ["/embed", "/embed.json"];

/** The public list of official channels shows the account registry and department names. */
export const CHANNEL_PATHS: readonly string[] = ["/channels", "/channels.json"];

/** Everything that shows the organisation's profile site-wide (a profile or logo change). */
export const SITE_WIDE_PATHS: readonly string[] = [
  "/",
  "/prenumerera",
  ...FEEDS.map((feed) => `/${feed}`),
  "/cap.atom",
  ...EMBED_PATHS,
  ...CHANNEL_PATHS,
  "/favicon.ico",
  "/favicon.png",
  "/favicon.svg",
  "/apple-touch-icon.png",
  "/logo.svg",
  "/logo.png",
];

/** The exercises' index and feeds (under /ovning), which no real incident's change touches. */
const EXERCISE_INDEX_PATHS: readonly string[] = [EXERCISE_BASE, ...FEEDS.map((feed) => `${EXERCISE_BASE}/${feed}`)];

/**
 * Home, the site feeds and CAP index, the incident page, its feeds and closing message, and the given update
 * permalinks with their CAP message and Cancel (a withdrawal turns the one into the other). An
 * exercise changes only its own pages under /ovning: never home, the main feeds (so no WebSub push
 * for them), the CAP index or the crisis banner.
 */
export function changedPublicPaths(slug: string, updateNumbers: number[] = [], exercise = false): string[] {
  const incident = incidentPath(slug, exercise);
  return [
    ...(exercise ? EXERCISE_INDEX_PATHS : ["/", ...FEEDS.map((feed) => `/${feed}`), "/cap.atom", ...EMBED_PATHS]),
    incident,
    ...FEEDS.map((feed) => `${incident}/${feed}`),
    capClosedPath(slug, exercise),
    ...updateNumbers.flatMap((number) => [
      updatePath(slug, number, exercise),
      capMessagePath(slug, number, exercise),
      capCancelPath(slug, number, exercise),
    ]),
  ];
}

/** The public paths that exist under each offered language's prefix (routes/public/localised.ts). */
const LOCALISED =
  /^\/(?:|feed\.(?:atom|rss|json)|channels|prenumerera|incidents\/[^/]+(?:\/updates\/\d+|\/feed\.(?:atom|rss|json))?)$/;

/**
 * The same changed paths under the prefix of each offered language but Swedish ("/" -> "/en/",
 * "/incidents/x" -> "/en/incidents/x"); CAP, cards, icons and JSON data have no such copies.
 */
export function localisedPublicPaths(paths: readonly string[], languages: readonly string[]): string[] {
  const others = languages.filter((language) => language !== SWEDISH);
  const localisable = paths.filter((path) => LOCALISED.test(path));
  return others.flatMap((language) => localisable.map((path) => `/${language}${path}`));
}
