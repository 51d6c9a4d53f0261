// Public pages and feeds are rendered once per change, not once per request: each rendering
// is kept under its path together with the public revision it was made from. The revision is
// one row in the database, so several processes agree on when a page is stale.
export interface CachedResponse {
  revision: number;
  etag: string;
  body: string;
  contentType: string;
  status: number;
}

export interface PublicCache {
  get(key: string, revision: number): CachedResponse | undefined;
  set(key: string, value: CachedResponse): void;
  clear(): void;
}

export function createPublicCache(maxEntries = 1000): PublicCache {
  const entries = new Map<string, CachedResponse>();
  return {
    get(key, revision) {
      const hit = entries.get(key);
      if (!hit || hit.revision !== revision) return undefined;
      // Refresh recency: Map keeps insertion order, so the oldest key is evicted first.
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    clear() {
      entries.clear();
    },
  };
}
