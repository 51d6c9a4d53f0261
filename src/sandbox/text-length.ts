// The stand-ins count text by the platforms' documented rules with their own code, never with the
// adapters' counters: a limit checked by the very function that shortened the text cannot fail.
import twitterText from "twitter-text";

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const WITH_PROTOCOL = /^https?:\/\//i;

/** X: twitter-text's own default configuration (version 3: 280 weighted, URLs 23, emoji and CJK weigh 2). */
export function countXLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/**
 * Mastodon's StatusLengthValidator: graphemes, with every URL that has a protocol counted as
 * `perUrl` characters. Mastodon finds URLs with twitter-text's extractor, as done here.
 */
export function countMastodonLength(text: string, perUrl: number): number {
  let counted = 0;
  let last = 0;
  for (const { url, indices } of twitterText.extractUrlsWithIndices(text)) {
    if (!WITH_PROTOCOL.test(url)) continue;
    counted += countGraphemes(text.slice(last, indices[0])) + perUrl;
    last = indices[1];
  }
  return counted + countGraphemes(text.slice(last));
}

function countGraphemes(text: string): number {
  let count = 0;
  for (const _ of GRAPHEMES.segment(text)) count++;
  return count;
}
