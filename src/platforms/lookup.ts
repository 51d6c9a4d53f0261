// How an adapter recognises the hub's own post among recent ones. A permalink is compared as a
// whole URL, never as a substring: ".../updates/1" is inside ".../updates/10", and taking one for
// the other would settle, or delete, the wrong post.
import { findUrls } from "./length";
import type { FailureResult, LookupResult } from "./types";

/** The URL in a form where spelling differences that name the same page disappear; null if it is no URL. */
export function normalizeUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.hash = "";
  // "/updates/1/" and "/updates/1" are the same page; the root keeps its slash.
  if (url.pathname.length > 1) url.pathname = url.pathname.replace(/\/+$/, "");
  return url.href;
}

export function isSameUrl(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const left = normalizeUrl(a);
  return left !== null && left === normalizeUrl(b);
}

/** True when plain text carries `link` as one of its URLs. */
export function textCarriesLink(text: string | null | undefined, link: string): boolean {
  return text ? findUrls(text).some((url) => isSameUrl(url, link)) : false;
}

const HREF = /\bhref\s*=\s*"([^"]*)"/giu;
const ENTITIES: Record<string, string> = { amp: "&", quot: '"', apos: "'", lt: "<", gt: ">", "#39": "'" };

/** True when an HTML body (a Mastodon status) links to `link`; the visible text may be abridged, so hrefs decide. */
export function htmlCarriesLink(html: string | null | undefined, link: string): boolean {
  if (!html) return false;
  return Array.from(html.matchAll(HREF), (m) => decodeEntities(m[1])).some((href) => isSameUrl(href, link));
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|quot|apos|lt|gt|#39);/g, (_, name: string) => ENTITIES[name]);
}

export const absent: LookupResult = { state: "absent" };

/** Not found in an answer that held every post since the time asked for. */
export const absentSince: LookupResult = { state: "absent", complete: true };

export function found(remoteId: string, remoteUrl: string): LookupResult {
  return { state: "found", remoteId, remoteUrl };
}

/** Any failed request means the platform was not asked, not that the post is missing. */
export function unknown(failure: FailureResult): LookupResult {
  return failure.retryAfterSeconds === undefined
    ? { state: "unknown", reason: failure.message }
    : { state: "unknown", reason: failure.message, retryAfterSeconds: failure.retryAfterSeconds };
}
