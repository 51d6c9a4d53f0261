import { describe, expect, test } from "vitest";
import { createPublicCache, REVISION_MAX_AGE_MS } from "../../src/render/public-cache";

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
