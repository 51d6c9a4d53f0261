import { expect, test } from "vitest";
import { createPlatforms } from "../../src/platforms";
import { PLATFORMS } from "../../src/platforms/types";

test("createPlatforms has one adapter per platform, each naming itself", () => {
  const platforms = createPlatforms();
  expect(Object.keys(platforms).sort()).toEqual([...PLATFORMS].sort());
  for (const platform of PLATFORMS) expect(platforms[platform].platform).toBe(platform);
});

test("each factory call has its own adapters (and so its own session cache)", () => {
  expect(createPlatforms().bluesky).not.toBe(createPlatforms().bluesky);
});
