import { describe, expect, test } from "vitest";
import { MAX_DELAY_MS, retryDelayMs } from "../../src/dispatcher/backoff";

const low = () => 0;
const high = () => 0.999;

describe("retry backoff", () => {
  test("the first retry comes within one to two seconds", () => {
    expect(retryDelayMs(1, undefined, low)).toBe(1_000);
    expect(retryDelayMs(1, undefined, high)).toBeLessThan(2_000);
    expect(retryDelayMs(1, undefined, () => 0.5)).toBe(1_500);
  });

  test("grows exponentially and stops growing at the cap, still jittered there", () => {
    expect(retryDelayMs(2, undefined, low)).toBe(2_000);
    expect(retryDelayMs(3, undefined, low)).toBe(4_000);
    expect(retryDelayMs(3, undefined, high)).toBeLessThan(8_000);
    expect(retryDelayMs(30, undefined, high)).toBeLessThan(MAX_DELAY_MS);
    expect(retryDelayMs(30, undefined, low)).toBe(MAX_DELAY_MS / 2);
    expect(retryDelayMs(5000, undefined, high)).toBeLessThan(MAX_DELAY_MS);
  });

  test("jitter spreads accounts that failed together", () => {
    const delays = new Set([0.1, 0.4, 0.7].map((r) => retryDelayMs(4, undefined, () => r)));
    expect(delays.size).toBe(3);
    const capped = new Set([0.1, 0.4, 0.7].map((r) => retryDelayMs(40, undefined, () => r)));
    expect(capped.size).toBe(3);
  });

  test("the platform's own wait wins: never earlier, at most a second of jitter on top", () => {
    expect(retryDelayMs(1, 35, low)).toBe(35_000);
    expect(retryDelayMs(1, 35, high)).toBeLessThan(36_000);
    // Longer than the backoff would have waited, and shorter: the platform's word holds both ways.
    expect(retryDelayMs(1, 0.2, low)).toBe(200);
    expect(retryDelayMs(8, 2, high)).toBeGreaterThanOrEqual(2_000);
    expect(retryDelayMs(8, 2, high)).toBeLessThan(3_000);
    expect(retryDelayMs(8, 0, low)).toBe(0);
  });
});
