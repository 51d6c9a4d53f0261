// Public pages and feeds are rendered once per change, not once per request: each rendering
// is kept under its path together with the public revision it was made from. The revision is
// one row in the database, so several processes agree on when a page is stale. The rendering
// is kept as bytes, so a request writes them as they are instead of encoding a string again,
// and beside them the same bytes compressed once per encoding the runtime offers.
import type { ContentEncoding } from "./compressor";

export interface CachedResponse {
  revision: number;
  /** The ETag of the plain bytes; each compressed copy carries it with its suffix (ETAG_SUFFIX). */
  etag: string;
  body: Uint8Array<ArrayBuffer>;
  /** `body` compressed, per encoding; absent when the runtime compresses elsewhere or it is too small. */
  encoded: Partial<Record<ContentEncoding, Uint8Array<ArrayBuffer>>>;
  contentType: string;
  status: number;
  /** Whether the route answers with this rendering as it is (serveCached's asIs): then it may be answered before routing. */
  asIs?: boolean;
  /** The Content-Security-Policy of an HTML page, worked out once per rendering. */
  contentSecurityPolicy?: string;
  /** The ETag and headers of a fresh answer per encoding served, built on first use (serve-cached.ts). */
  answers?: Partial<Record<ContentEncoding | "identity", PreparedAnswer>>;
}

export interface PreparedAnswer {
  /** Whether the headers say Vary: Accept-Encoding (there is a compressor). */
  vary: boolean;
  etag: string;
  headers: Readonly<Record<string, string>>;
}

export interface PublicCache {
  get(key: string, revision: number): CachedResponse | undefined;
  /** The last rendering under this key, whatever its revision (served when the database does not answer). */
  last(key: string): CachedResponse | undefined;
  set(key: string, value: CachedResponse): void;
  clear(): void;
  /** The public revision read within the last REVISION_MAX_AGE_MS, if any. */
  knownRevision(nowMs: number): number | undefined;
  /** True when the known revision is old enough (REVISION_REFRESH_MS) to be read again in the background. */
  revisionDue(nowMs: number): boolean;
  /** Call before reading the revision; pass the result to rememberRevision. */
  revisionEpoch(): number;
  /** Keeps a revision read from the database, unless a change was announced since `epoch`. */
  rememberRevision(revision: number, nowMs: number, epoch: number): void;
  /** A change the public can see was committed here: read the revision afresh next time. */
  forgetRevision(): void;
}

/**
 * How long a revision read from the database is trusted. Changes made by this process forget it
 * at once (Deps.onPublicChange); changes made by another process sharing the database show
 * within this time. Pages carry max-age=30 anyway, so a second is well inside what the public
 * already tolerates, and it spares the database one query per request in a traffic spike.
 */
export const REVISION_MAX_AGE_MS = 1000;

/**
 * After this long a request still answers from the known revision but starts one read of it in
 * the background (shared by every request meanwhile), so under steady traffic the revision is
 * refreshed before it expires and no request waits for the database: at most one read per this
 * many milliseconds per process, and another process's change shows within REVISION_MAX_AGE_MS.
 */
export const REVISION_REFRESH_MS = REVISION_MAX_AGE_MS / 2;

interface Entry {
  value: CachedResponse;
  /** The generation (one per stored rendering) in which this entry was last moved to the back. */
  touched: number;
}

export function createPublicCache(maxEntries = 1000): PublicCache {
  const entries = new Map<string, Entry>();
  let known: { revision: number; atMs: number } | null = null;
  let epoch = 0;
  // Recency is refreshed once per stored rendering, not on every hit: a Map delete and set per
  // request was a measurable share of serving a cached page, and eviction stays close to LRU.
  let generation = 0;
  return {
    knownRevision(nowMs) {
      if (!known || nowMs - known.atMs >= REVISION_MAX_AGE_MS || nowMs < known.atMs) return undefined;
      return known.revision;
    },
    revisionDue: (nowMs) => !known || nowMs - known.atMs >= REVISION_REFRESH_MS || nowMs < known.atMs,
    revisionEpoch: () => epoch,
    rememberRevision(revision, nowMs, readEpoch) {
      // A change announced while the read was in flight may not be in what it returned.
      if (readEpoch === epoch) known = { revision, atMs: nowMs };
    },
    forgetRevision() {
      epoch++;
      known = null;
    },
    get(key, revision) {
      const entry = entries.get(key);
      if (!entry || entry.value.revision !== revision) return undefined;
      // Refresh recency: Map keeps insertion order, so the oldest key is evicted first.
      if (entry.touched !== generation) {
        entry.touched = generation;
        entries.delete(key);
        entries.set(key, entry);
      }
      return entry.value;
    },
    last: (key) => entries.get(key)?.value,
    set(key, value) {
      generation++;
      entries.delete(key);
      entries.set(key, { value, touched: generation });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    clear() {
      entries.clear();
      epoch++;
      known = null;
    },
  };
}
