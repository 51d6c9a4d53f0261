import { describe, expect, test } from "vitest";
import { createPublicCache, REVISION_MAX_AGE_MS, REVISION_REFRESH_MS } from "../../src/render/public-cache";

describe("the public revision kept in memory", () => {
  test("is trusted for a moment, then read again", () => {
    const cache = createPublicCache();
    expect(cache.knownRevision(1_000)).toBeUndefined();
    cache.rememberRevision(7, 1_000, cache.revisionEpoch());
    expect(cache.knownRevision(1_000 + REVISION_MAX_AGE_MS - 1)).toBe(7);
    expect(cache.knownRevision(1_000 + REVISION_MAX_AGE_MS)).toBeUndefined();
  });

  test("is forgotten at once when this process announces a change", () => {
    const cache = createPublicCache();
    cache.rememberRevision(7, 1_000, cache.revisionEpoch());
    cache.forgetRevision();
    expect(cache.knownRevision(1_001)).toBeUndefined();
  });

  test("a read that raced a change is not kept, so it cannot hide the change", () => {
    const cache = createPublicCache();
    const epoch = cache.revisionEpoch();
    cache.forgetRevision(); // a publish committed while the read was in flight
    cache.rememberRevision(7, 1_000, epoch);
    expect(cache.knownRevision(1_001)).toBeUndefined();
  });
});

describe("refreshing the public revision before it expires", () => {
  test("is due once the revision is REVISION_REFRESH_MS old, while it is still trusted", () => {
    const cache = createPublicCache();
    expect(cache.revisionDue(1_000)).toBe(true);
    cache.rememberRevision(7, 1_000, cache.revisionEpoch());
    expect(cache.revisionDue(1_000 + REVISION_REFRESH_MS - 1)).toBe(false);
    expect(cache.revisionDue(1_000 + REVISION_REFRESH_MS)).toBe(true);
    expect(cache.knownRevision(1_000 + REVISION_REFRESH_MS)).toBe(7);
  });

  test("a hit keeps a rendering from being evicted first", () => {
    const cache = createPublicCache(2);
    const rendering = (revision: number) => ({
      revision,
      etag: `"${revision}"`,
      body: new Uint8Array(1),
      encoded: {},
      contentType: "text/plain",
      status: 200,
    });
    cache.set("/a", rendering(1));
    cache.set("/b", rendering(1));
    expect(cache.get("/a", 1)).toBeDefined();
    cache.set("/c", rendering(1));
    expect(cache.get("/a", 1)).toBeDefined();
    expect(cache.last("/b")).toBeUndefined();
  });
});
