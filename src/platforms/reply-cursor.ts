// Platforms that list comments per post (Meta, LinkedIn) have no since-id across posts: the
// cursor kept between collections is the newest comment time read. Each look starts a little
// before it, because a comment can become visible after a newer one was already read; what is
// read twice is dropped by the inbox's (account, remote id) key.

/** How far before the cursor each look starts again. */
export const CURSOR_OVERLAP_MS = 10 * 60_000;

/** The instant to read from, or undefined the first time (then everything listed is new). */
export function readFrom(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const at = Date.parse(cursor);
  return Number.isNaN(at) ? undefined : at - CURSOR_OVERLAP_MS;
}

/** The later of the cursor and a comment's time, as ISO 8601; unreadable times are ignored. */
export function laterCursor(cursor: string | undefined, time: string | number | undefined): string | undefined {
  const at = typeof time === "number" ? time : time ? Date.parse(time) : Number.NaN;
  if (Number.isNaN(at)) return cursor;
  const known = cursor ? Date.parse(cursor) : Number.NaN;
  return Number.isNaN(known) || at > known ? new Date(at).toISOString() : cursor;
}

/** True when a comment dated `time` is at or after the read-from instant (or there is none). */
export function isRecent(time: string | number | undefined, from: number | undefined): boolean {
  if (from === undefined) return true;
  const at = typeof time === "number" ? time : time ? Date.parse(time) : Number.NaN;
  return Number.isNaN(at) || at >= from;
}
