// How platforms count text. Each counts differently, and a post that "fits" by the wrong measure
// is rejected or silently cut, so every adapter names the measure it uses.

const GRAPHEMES = new Intl.Segmenter("sv", { granularity: "grapheme" });
const UTF8 = new TextEncoder();
// Close to what Mastodon and twitter-text treat as a URL; trailing punctuation is left to the sentence.
const URL_PATTERN = /https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'’”]/gu;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

// A fan-out composes the same text for every account of a platform, and the segmenter is the
// costliest part of composing (a few ms per 100 accounts in bench:fanout's profile); the counts of
// the latest texts are kept. A pure function of the text, so nothing can go stale.
const COUNTED = new Map<string, number>();
const COUNTED_MAX = 256;

export function countGraphemes(text: string): number {
  const known = COUNTED.get(text);
  if (known !== undefined) return known;
  let count = 0;
  for (const _ of GRAPHEMES.segment(text)) count++;
  if (COUNTED.size >= COUNTED_MAX) COUNTED.clear();
  COUNTED.set(text, count);
  return count;
}

export function splitGraphemes(text: string): string[] {
  return Array.from(GRAPHEMES.segment(text), (s) => s.segment);
}

export function countUtf8Bytes(text: string): number {
  return UTF8.encode(text).length;
}

export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function findUrls(text: string): string[] {
  return text.match(URL_PATTERN) ?? [];
}

/** Replaces every URL by a placeholder of `perUrl` characters, as Mastodon's counter does. */
export function maskUrls(text: string, perUrl: number): string {
  return text.replace(URL_PATTERN, "x".repeat(perUrl));
}

/** Threads counts an emoji as its UTF-8 byte length and everything else as one character. */
export function countThreadsChars(text: string): number {
  let count = 0;
  for (const grapheme of splitGraphemes(text)) {
    count += PICTOGRAPHIC.test(grapheme) ? countUtf8Bytes(grapheme) : countCodePoints(grapheme);
  }
  return count;
}

export interface UrlRange {
  url: string;
  /** UTF-16 index, as JavaScript strings count. */
  start: number;
  end: number;
}

export function locateUrls(text: string): UrlRange[] {
  return Array.from(text.matchAll(URL_PATTERN), (m) => ({
    url: m[0],
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  }));
}
