// Atom, RSS and JSON Feed 1.1: one entry per update (not per incident), with stable ids. A
// withdrawn update stays in every feed as a tombstone saying when and why, without its text:
// a reader that saw the entry must learn it no longer stands (Atom: RFC 6721 at:deleted-entry
// beside the entry rewritten as a notice; RSS and JSON Feed: the item kept with an
// "Återkallad" title). Written by hand, since no feed library speaks tombstones.
import { escapeXml } from "../archive/xml";
import { EXERCISE_BASE, incidentPath, updatePath } from "../domain/publishing/links";
import type { FeedEntry, ShownText } from "../domain/publishing/public-view";
import { textToHtml } from "./html";
import { type PublicTexts, SWEDISH_TEXTS } from "./public-texts";
import { type ViewHelpers, viewHelpers } from "./view-helpers";

export interface FeedScope {
  publicUrl: string;
  orgName: string;
  /** Absolute addresses of the logo (when there is one) and of the square icon. */
  logoUrl: string | null;
  iconUrl: string;
  /** The WebSub hub subscribers are told to use (rel="hub"); the feed's own address is rel="self". */
  hubUrl?: string;
  /** Set for an incident's own feed. */
  incident?: { slug: string; title: string };
  /** The exercises' feeds (under /ovning): every title says ÖVNING. */
  exercise?: boolean;
  /** The feed's language (xml:lang, <language>); Swedish when absent. */
  language?: string;
  /** The site's base address in that language (publicUrl + "/en"); publicUrl when absent. */
  site?: string;
  texts?: PublicTexts;
  helpers?: ViewHelpers;
  /** The same feed in each offered language (hreflang alternates); none when only Swedish is offered. */
  alternates?: { hreflang: string; href: string }[];
}

/** A feed entry with the text to show in the feed's language (public-view.ts inLanguage). */
export type ShownFeedEntry = FeedEntry & { shown?: ShownText };

const textsOf = (scope: FeedScope) => scope.texts ?? SWEDISH_TEXTS;
const languageOf = (scope: FeedScope) => scope.language ?? "sv";
const siteOf = (scope: FeedScope) => scope.site ?? scope.publicUrl;
const entryUrl = (scope: FeedScope, e: FeedEntry) =>
  e.incident.exercise
    ? scope.publicUrl + updatePath(e.incident.slug, e.update.number, true)
    : siteOf(scope) + updatePath(e.incident.slug, e.update.number);

const TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0";
const DC_NS = "http://purl.org/dc/elements/1.1/";

function feedBase(scope: FeedScope): string {
  if (scope.exercise) {
    const exerciseBase = `${scope.publicUrl}${EXERCISE_BASE}`;
    return scope.incident ? scope.publicUrl + incidentPath(scope.incident.slug, true) : exerciseBase;
  }
  return scope.incident ? siteOf(scope) + incidentPath(scope.incident.slug) : siteOf(scope);
}

function feedTitle(scope: FeedScope): string {
  const title = scope.incident ? `${scope.incident.title} – ${scope.orgName}` : textsOf(scope).feedTitle(scope.orgName);
  return scope.exercise ? `ÖVNING: ${title}` : title;
}

function feedDescription(scope: FeedScope): string {
  return textsOf(scope).feedDescription(scope.orgName);
}

function entryTitle(scope: FeedScope, e: FeedEntry): string {
  const t = textsOf(scope);
  const exercise = e.incident.exercise ? "ÖVNING: " : "";
  const what = `${exercise}${e.incident.title} (${t.updateN(e.update.number).toLocaleLowerCase(t.intlLocale)})`;
  if (e.update.withdrawnAt) return `${t.withdrawnTitle}: ${what}`;
  const kind = e.update.kind === "update" ? "" : `${t.kind[e.update.kind]}: `;
  return `${kind}${what}`;
}

/** The notice that replaces a withdrawn update's text everywhere the public reads it. */
function withdrawalNotice(scope: FeedScope, e: FeedEntry): string {
  const at = e.update.withdrawnAt as Date;
  const t = textsOf(scope);
  const when = (scope.helpers ?? viewHelpers).when(at);
  return t.withdrawalNotice(e.update.number, when, e.update.withdrawnReason ?? t.noReason);
}

function entryText(scope: FeedScope, e: ShownFeedEntry): string {
  return e.update.withdrawnAt ? withdrawalNotice(scope, e) : (e.shown?.body ?? e.update.body);
}

/** The language of an entry's text when it differs from the feed's (a Swedish text awaiting translation). */
function entryLanguage(scope: FeedScope, e: ShownFeedEntry): string | null {
  if (e.update.withdrawnAt || !e.shown) return null;
  return e.shown.language === languageOf(scope) ? null : e.shown.language;
}

function entryUpdated(e: FeedEntry): Date {
  return e.update.withdrawnAt ?? e.update.editedAt ?? e.update.publishedAt ?? e.update.createdAt;
}

function entryPublished(e: FeedEntry): Date {
  return e.update.publishedAt ?? e.update.createdAt;
}

function latestOf(entries: ShownFeedEntry[], fallback: Date): Date {
  let latest: Date | null = null;
  for (const e of entries) if (!latest || entryUpdated(e) > latest) latest = entryUpdated(e);
  return latest ?? fallback;
}

const tag = (name: string, value: string, attrs = "") => `<${name}${attrs}>${escapeXml(value)}</${name}>`;
const link = (rel: string, href: string, type?: string) =>
  `<link rel="${rel}"${type ? ` type="${type}"` : ""} href="${escapeXml(href)}"/>`;

export function renderAtom(scope: FeedScope, entries: ShownFeedEntry[], fallback: Date): string {
  const base = feedBase(scope);
  const lines = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:at="${TOMBSTONES_NS}" xml:lang="${escapeXml(languageOf(scope))}">`,
    tag("id", `${base}/`),
    tag("title", feedTitle(scope)),
    tag("subtitle", feedDescription(scope)),
    tag("updated", latestOf(entries, fallback).toISOString()),
    link("self", `${base}/feed.atom`, "application/atom+xml"),
    ...(scope.hubUrl ? [link("hub", scope.hubUrl)] : []),
    link("alternate", scope.incident ? base : `${base}/`, "text/html"),
    ...(scope.alternates ?? []).map(
      (a) =>
        `<link rel="alternate" type="application/atom+xml" hreflang="${escapeXml(a.hreflang)}" href="${escapeXml(a.href)}"/>`,
    ),
    `<author>${tag("name", scope.orgName)}${tag("uri", `${scope.publicUrl}/`)}</author>`,
    tag("icon", scope.iconUrl),
    ...(scope.logoUrl ? [tag("logo", scope.logoUrl)] : []),
    tag("rights", scope.orgName),
    tag("generator", "Kriskanal"),
  ];
  for (const e of entries) {
    const url = entryUrl(scope, e);
    if (e.update.withdrawnAt) {
      lines.push(
        `<at:deleted-entry ref="${escapeXml(url)}" when="${e.update.withdrawnAt.toISOString()}">`,
        link("alternate", url, "text/html"),
        tag("at:comment", withdrawalNotice(scope, e)),
        "</at:deleted-entry>",
      );
    }
    const other = entryLanguage(scope, e);
    lines.push(
      other ? `<entry xml:lang="${escapeXml(other)}">` : "<entry>",
      tag("id", url),
      tag("title", entryTitle(scope, e)),
      link("alternate", url, "text/html"),
      tag("published", entryPublished(e).toISOString()),
      tag("updated", entryUpdated(e).toISOString()),
      `<author>${tag("name", e.update.author.name)}</author>`,
      tag("summary", entryText(scope, e)),
      tag("content", textToHtml(entryText(scope, e)), ` type="html"`),
      `<category term="${e.update.withdrawnAt ? "withdrawn" : e.update.kind}"/>`,
      "</entry>",
    );
  }
  lines.push("</feed>");
  return `${lines.join("\n")}\n`;
}

export function renderRss(scope: FeedScope, entries: ShownFeedEntry[], fallback: Date): string {
  const base = feedBase(scope);
  const home = scope.incident ? base : `${base}/`;
  const image = scope.logoUrl ?? scope.iconUrl;
  const lines = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="${DC_NS}">`,
    "<channel>",
    tag("title", feedTitle(scope)),
    tag("link", home),
    tag("description", feedDescription(scope)),
    tag("language", languageOf(scope)),
    tag("copyright", scope.orgName),
    tag("generator", "Kriskanal"),
    tag("lastBuildDate", latestOf(entries, fallback).toUTCString()),
    `<atom:link rel="self" type="application/rss+xml" href="${escapeXml(`${base}/feed.rss`)}"/>`,
    ...(scope.hubUrl ? [`<atom:link rel="hub" href="${escapeXml(scope.hubUrl)}"/>`] : []),
    ...(scope.alternates ?? []).map(
      (a) =>
        `<atom:link rel="alternate" type="application/rss+xml" hreflang="${escapeXml(a.hreflang)}" href="${escapeXml(a.href)}"/>`,
    ),
    `<image>${tag("url", image)}${tag("title", feedTitle(scope))}${tag("link", home)}</image>`,
  ];
  for (const e of entries) {
    const url = entryUrl(scope, e);
    lines.push(
      "<item>",
      tag("title", entryTitle(scope, e)),
      tag("link", url),
      tag("guid", url, ` isPermaLink="true"`),
      tag("pubDate", entryPublished(e).toUTCString()),
      // RSS <author> must be an e-mail address; the person's name goes in Dublin Core.
      tag("dc:creator", e.update.author.name),
      tag("description", textToHtml(entryText(scope, e))),
      tag("category", e.update.withdrawnAt ? textsOf(scope).withdrawnCategory : textsOf(scope).kind[e.update.kind]),
      "</item>",
    );
  }
  lines.push("</channel>", "</rss>");
  return `${lines.join("\n")}\n`;
}

/** JSON Feed 1.1. */
export function renderJsonFeed(scope: FeedScope, entries: ShownFeedEntry[]): string {
  const base = feedBase(scope);
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: feedTitle(scope),
    description: feedDescription(scope),
    home_page_url: scope.incident ? base : `${base}/`,
    feed_url: `${base}/feed.json`,
    ...(scope.hubUrl ? { hubs: [{ type: "WebSub", url: scope.hubUrl }] } : {}),
    language: languageOf(scope),
    icon: scope.logoUrl ?? scope.iconUrl,
    favicon: scope.iconUrl,
    authors: [{ name: scope.orgName, url: `${scope.publicUrl}/` }],
    items: entries.map((e) => {
      const url = entryUrl(scope, e);
      return {
        id: url,
        url,
        title: entryTitle(scope, e),
        ...(entryLanguage(scope, e) ? { language: entryLanguage(scope, e) } : {}),
        content_text: entryText(scope, e),
        date_published: entryPublished(e).toISOString(),
        date_modified: entryUpdated(e).toISOString(),
        authors: [{ name: e.update.author.name }],
        tags: [e.update.withdrawnAt ? "withdrawn" : e.update.kind],
        ...(e.update.withdrawnAt
          ? {
              _kriskanal: {
                withdrawn_at: e.update.withdrawnAt.toISOString(),
                withdrawn_reason: e.update.withdrawnReason,
              },
            }
          : {}),
      };
    }),
  });
}
