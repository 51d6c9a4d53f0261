// Fits an update into a platform's limit without ever losing the link back to the website:
// the communicator's variant wins over the body, and the body is cut at a word boundary. The
// signature stays: it says who speaks for the municipality, and a reader cannot ask who wrote a
// post whose name was dropped. Only when the signature alone leaves no room for any of the body
// (not even its first word) does it go.
import { splitGraphemes } from "./length";
import type { Composed } from "./types";

const ELLIPSIS = "…";
const TRAILING_PUNCTUATION = /[\s,;:.!?–—-]+$/u;

export interface ShortenInput {
  body: string;
  link: string;
  variant?: string;
  signature?: string;
}

export interface ShortenOptions {
  limit: number;
  /** Length as the platform counts it. */
  measure: (text: string) => number;
  /** Builds the text from its parts; the default puts the link last, where link cards look for it. */
  assemble?: (body: string, link: string, signature?: string) => string;
}

export interface Shortened {
  text: string;
  /** The body part actually used (variant or body, possibly cut). */
  body: string;
  /** The signature when it was kept. */
  signature?: string;
  length: number;
  limit: number;
  fits: boolean;
  shortened: boolean;
}

export function assemblePlain(body: string, link: string, signature?: string): string {
  const head = [body, signature ? `– ${signature}` : ""].filter(Boolean).join("\n");
  return [head, link].filter(Boolean).join("\n\n");
}

export function shortenToFit(input: ShortenInput, options: ShortenOptions): Shortened {
  const assemble = options.assemble ?? assemblePlain;
  const base = (input.variant?.trim() || input.body.trim()).replace(/\r\n/g, "\n");
  const signature = input.signature?.trim() || undefined;
  const result = (body: string, withSignature: boolean, shortened: boolean): Shortened => {
    const text = assemble(body, input.link, withSignature ? signature : undefined);
    const length = options.measure(text);
    return {
      text,
      body,
      signature: withSignature ? signature : undefined,
      length,
      limit: options.limit,
      fits: length <= options.limit,
      shortened,
    };
  };

  if (signature) {
    const signed = result(base, true, false);
    if (signed.fits) return signed;
    // Whole words only: a name beside a body cut to a few letters says nothing.
    const fitsSigned = (body: string) => options.measure(assemble(body, input.link, signature)) <= options.limit;
    const cutSigned = cutToFit(base, fitsSigned, { wordsOnly: true });
    if (cutSigned) return result(cutSigned, true, true);
  }
  const whole = result(base, false, false);
  if (whole.fits) return whole;

  const fitsWith = (body: string) => options.measure(assemble(body, input.link)) <= options.limit;
  const cut = cutToFit(base, fitsWith);
  return result(cut, false, true);
}

/** The longest prefix ending at a word boundary (or, for one giant word, a grapheme) that fits. */
function cutToFit(text: string, fits: (body: string) => boolean, { wordsOnly = false } = {}): string {
  const wordEnds: number[] = [];
  for (let i = 1; i < text.length; i++) {
    if (/\s/u.test(text[i]) && !/\s/u.test(text[i - 1])) wordEnds.push(i);
  }
  const atWord = (n: number) => withEllipsis(text.slice(0, wordEnds[n]));
  const byWord = searchLongest(wordEnds.length, (n) => fits(atWord(n)));
  if (byWord >= 0) return atWord(byWord);
  if (wordsOnly) return "";

  const graphemes = splitGraphemes(text);
  const atGrapheme = (n: number) => withEllipsis(graphemes.slice(0, n + 1).join(""));
  const byGrapheme = searchLongest(graphemes.length, (n) => fits(atGrapheme(n)));
  return byGrapheme >= 0 ? atGrapheme(byGrapheme) : "";
}

function withEllipsis(prefix: string): string {
  const trimmed = prefix.replace(TRAILING_PUNCTUATION, "");
  return trimmed ? trimmed + ELLIPSIS : "";
}

/**
 * Largest index in [0, count) for which `fits` holds, or -1. The answer always fits; where URL
 * weighting makes length jump around a cut inside a URL it may not be the very longest.
 */
function searchLongest(count: number, fits: (n: number) => boolean): number {
  let low = 0;
  let high = count - 1;
  let best = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (fits(mid)) {
      best = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return best;
}

export function toComposed(fit: Shortened, payload: Record<string, unknown>, skipReason?: string): Composed {
  const composed: Composed = {
    text: fit.text,
    length: fit.length,
    limit: fit.limit,
    fits: fit.fits,
    shortened: fit.shortened,
    payload,
  };
  if (skipReason) composed.skipReason = skipReason;
  return composed;
}
