// Atom, RSS and JSON Feed 1.1: one entry per update (not per incident), with stable ids.
import { Feed } from "feed";
import { incidentUrl, updateUrl } from "../domain/publishing/links";
import type { FeedEntry } from "../domain/publishing/public-view";
import { escapeHtml, textToHtml } from "./html";
import { KIND_LABEL } from "./view-helpers";

export interface FeedScope {
  publicUrl: string;
  orgName: string;
  /** Set for an incident's own feed. */
  incident?: { slug: string; title: string };
}

function feedBase(scope: FeedScope): string {
  return scope.incident ? incidentUrl(scope.publicUrl, scope.incident.slug) : scope.publicUrl;
}

function entryTitle(e: FeedEntry): string {
  const kind = e.update.kind === "update" ? "" : `${KIND_LABEL[e.update.kind]}: `;
  return `${kind}${e.incident.title} (uppdatering ${e.update.number})`;
}

function entryUpdated(e: FeedEntry): Date {
  return e.update.editedAt ?? e.update.publishedAt ?? e.update.createdAt;
}

function buildFeed(scope: FeedScope, entries: FeedEntry[], latest: Date): Feed {
  const base = feedBase(scope);
  const title = scope.incident ? `${scope.incident.title} – ${scope.orgName}` : `${scope.orgName}: krisinformation`;
  const feed = new Feed({
    title,
    description: `Uppdateringar från ${scope.orgName} vid kriser och samhällsstörningar.`,
    id: `${base}/`,
    link: scope.incident ? base : `${base}/`,
    language: "sv",
    updated: latest,
    generator: "Kriskanal",
    copyright: scope.orgName,
    feedLinks: { atom: `${base}/feed.atom`, rss: `${base}/feed.rss`, json: `${base}/feed.json` },
    author: { name: scope.orgName, link: `${scope.publicUrl}/` },
  });
  for (const e of entries) {
    const url = updateUrl(scope.publicUrl, e.incident.slug, e.update.number);
    feed.addItem({
      // The feed library marks title and content as type="html": user text is escaped first.
      title: escapeHtml(entryTitle(e)),
      id: url,
      link: url,
      description: escapeHtml(e.update.body),
      content: textToHtml(e.update.body),
      author: [{ name: e.update.author.name }],
      date: entryUpdated(e),
      published: e.update.publishedAt ?? e.update.createdAt,
    });
  }
  return feed;
}

function latestOf(entries: FeedEntry[], fallback: Date): Date {
  let latest: Date | null = null;
  for (const e of entries) if (!latest || entryUpdated(e) > latest) latest = entryUpdated(e);
  return latest ?? fallback;
}

export function renderAtom(scope: FeedScope, entries: FeedEntry[], fallback: Date): string {
  return buildFeed(scope, entries, latestOf(entries, fallback)).atom1();
}

export function renderRss(scope: FeedScope, entries: FeedEntry[], fallback: Date): string {
  return buildFeed(scope, entries, latestOf(entries, fallback)).rss2();
}

/** JSON Feed 1.1 (the feed package writes 1.0, so this one is built directly). */
export function renderJsonFeed(scope: FeedScope, entries: FeedEntry[]): string {
  const base = feedBase(scope);
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: scope.incident ? `${scope.incident.title} – ${scope.orgName}` : `${scope.orgName}: krisinformation`,
    home_page_url: scope.incident ? base : `${base}/`,
    feed_url: `${base}/feed.json`,
    language: "sv",
    authors: [{ name: scope.orgName }],
    items: entries.map((e) => {
      const url = updateUrl(scope.publicUrl, e.incident.slug, e.update.number);
      return {
        id: url,
        url,
        title: entryTitle(e),
        content_text: e.update.body,
        date_published: (e.update.publishedAt ?? e.update.createdAt).toISOString(),
        date_modified: entryUpdated(e).toISOString(),
        authors: [{ name: e.update.author.name }],
        tags: [e.update.kind],
      };
    }),
  });
}
