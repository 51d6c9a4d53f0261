// In the demo a sandbox account's post links to the hub's own page for it, a stable address,
// not an invented id on x.com or the stand-ins' port of the day; outside the demo nothing changes.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["x", "mastodon"] });
});
afterAll(() => hub.close());

describe("demo post links", () => {
  test("outside the demo the platform's own address is kept", async () => {
    const updateId = await hub.post("Vattnet är avstängt på Storgatan.");
    await hub.drain();
    const rows = await hub.byPlatform(updateId);
    expect(rows.x.remoteUrl).toMatch(/^https:\/\/x\.com\//);
  });

  test("in the demo each copy links to /sandbox/<platform>/posts/<id> on the hub", async () => {
    const config = hub.deps.config as { demo: boolean };
    config.demo = true;
    try {
      const updateId = await hub.post("Tankbil står vid Stortorget.");
      await hub.drain();
      const rows = await hub.byPlatform(updateId);
      for (const platform of ["x", "mastodon"] as const) {
        const row = rows[platform];
        expect(row.status).toBe("published");
        expect(row.remoteUrl).toBe(
          `${hub.deps.config.publicUrl}/sandbox/${platform}/posts/${encodeURIComponent(row.remoteId as string)}`,
        );
      }
    } finally {
      config.demo = false;
    }
  });
});
