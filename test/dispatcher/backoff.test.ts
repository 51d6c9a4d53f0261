import { describe, expect, test } from "vitest";
import { BASE_DELAY_MS, MAX_DELAY_MS, retryDelayMs } from "../../src/dispatcher/backoff";

describe("retry backoff", () => {
  test("grows exponentially, never below half its ceiling, and stops growing at the cap", () => {
    const low = () => 0;
    const high = () => 0.999;
    expect(retryDelayMs(1, undefined, low)).toBe(BASE_DELAY_MS / 2);
    expect(retryDelayMs(2, undefined, low)).toBe(BASE_DELAY_MS);
    expect(retryDelayMs(3, undefined, low)).toBe(BASE_DELAY_MS * 2);
    expect(retryDelayMs(3, undefined, high)).toBeLessThanOrEqual(BASE_DELAY_MS * 4);
    expect(retryDelayMs(30, undefined, high)).toBeLessThanOrEqual(MAX_DELAY_MS);
    expect(retryDelayMs(30, undefined, low)).toBe(MAX_DELAY_MS / 2);
  });

  test("jitter spreads accounts that failed together", () => {
    const delays = new Set([0.1, 0.4, 0.7].map((r) => retryDelayMs(4, undefined, () => r)));
    expect(delays.size).toBe(3);
  });

  test("the platform's own wait wins, with at most a second of jitter", () => {
    expect(retryDelayMs(1, 35, () => 0)).toBe(35_000);
    expect(retryDelayMs(8, 2, () => 0.999)).toBeLessThan(3_000);
    expect(retryDelayMs(8, 0, () => 0)).toBe(0);
  });
});
