// The fixed texts of the public website and feeds, one table per language (src/render/texts/).
// Update texts are data (translations); these are the words around them. A language the hub
// offers but has no table for gets the English table, and its pages say so in their lang
// attribute: the page is English, the translated update texts inside it carry their own tag.
import { ar } from "./texts/ar";
import { en } from "./texts/en";
import { fa } from "./texts/fa";
import { fi } from "./texts/fi";
import { lattlast } from "./texts/lattlast";
import { sv } from "./texts/sv";

export interface PublicTexts {
  /** The locale Intl formats dates with (times are always Europe/Stockholm). */
  intlLocale: string;
  skipLink: string;
  siteSuffix: string;
  mainMenu: string;
  languageMenu: string;
  navCurrent: string;
  navChannels: string;
  navSubscribe: string;
  guidanceHeading: string;
  contactHeading: (name: string) => string;
  publishedFirst: string;
  officialChannelsLink: string;
  feedsLabel: string;
  alertingLabel: string;
  capLink: string;
  allUpdatesFeed: string;

  homeTitle: string;
  homeHeading: (org: string) => string;
  homeDescription: (org: string) => string;
  ongoing: string;
  noOngoing: string;
  affects: string;
  latestUpdate: string;
  numberShort: (n: number) => string;
  recentlyResolved: string;
  noneResolved: string;
  resolvedOn: string;

  kind: { update: string; correction: string; all_clear: string };
  severity: { info: string; minor: string; major: string; critical: string };
  status: { active: string; resolved: string };
  occurred: string;
  closedOn: string;
  registrationNumber: string;
  followIncident: string;
  nowHeading: string;
  updateN: (n: number) => string;
  publishedLower: string;
  statusLabel: string;
  noUpdatesYet: string;
  lastUpdated: string;
  allUpdates: string;
  oldestFirstSuffix: string;
  newestFirstSuffix: string;
  showNewestFirst: string;
  readOldestFirst: string;
  allUpdatesLower: string;
  updatePageTitle: (title: string, n: number) => string;

  withdrawnHeading: (n: number) => string;
  withdrawnOn: string;
  /** A withdrawn update's page description, before its reason. */
  withdrawnSummary: string;
  reason: string;
  noReason: string;
  published: string;
  by: string;
  edited: string;
  sharedIn: string;
  /** Said where an update has no translation yet and its Swedish text is shown. */
  notTranslated: string;

  /** The error page, which needs nothing from the database: heading and message per status. */
  problem: Record<400 | 404 | 500 | 503, { heading: string; message: string }>;
  alsoElsewhere: string;
  officialChannelsLower: string;
  and: string;
  notFoundTitle: string;
  incidentMissing: string;
  updateMissing: string;
  addressMissing: string;
  toCurrent: string;

  channelsTitle: string;
  channelsOgTitle: (org: string) => string;
  channelsDescription: (org: string) => string;
  channelsIntro: (org: string) => string;
  noChannels: string;
  channelsAsJson: string;

  subscribeTitle: string;
  subscribeDescription: (org: string) => string;
  subscribeIntro: (org: string) => string;
  whatIsFeed: string;
  feedExplained: string;
  feedInBrowser: string;
  addressesToCopy: string;
  addressesIntro: string;
  oneIncident: string;
  otherWays: string;
  otherWaysChannels: string;
  alertingSystems: string;

  /** CAP's closing message of an incident ended without an all-clear. */
  closedHeadline: (title: string) => string;
  closedBody: (title: string, when: string) => string;

  feedTitle: (org: string) => string;
  feedDescription: (org: string) => string;
  withdrawnTitle: string;
  withdrawnCategory: string;
  withdrawalNotice: (n: number, when: string, reason: string) => string;
}

const TABLES: Record<string, PublicTexts> = { sv, "sv-x-lattlast": lattlast, en, fi, ar, fa };

export const SWEDISH_TEXTS = sv;

/** The table for a language and the tag it is written in (English when the hub has none). */
export function publicTextsFor(tag: string): { language: string; texts: PublicTexts } {
  const exact = TABLES[tag];
  if (exact) return { language: tag, texts: exact };
  const primary = tag.split("-")[0];
  const base = TABLES[primary];
  if (base) return { language: primary, texts: base };
  return { language: "en", texts: en };
}

/** Languages with their own table of fixed texts. */
export const LANGUAGES_WITH_TEXTS: readonly string[] = Object.keys(TABLES);
