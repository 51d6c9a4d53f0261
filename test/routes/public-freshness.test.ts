// Public pages are answered from memory, yet a change shows at once in the process that made it
// and within REVISION_MAX_AGE_MS in another process sharing the database (here: a second Deps
// with its own render cache on the same database, as a second KRISKANAL_PROCESSES worker has).
import { afterAll, beforeAll, expect, test } from "vitest";
import { assembleDeps, type Deps } from "../../src/deps";
import { createPublicCache, REVISION_MAX_AGE_MS, REVISION_REFRESH_MS } from "../../src/render/public-cache";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
let other: Deps;
let incident: { id: string; slug: string };

beforeAll(async () => {
  hub = await startTestHub();
  other = assembleDeps({ ...hub.deps, publicCache: createPublicCache(), onPublicChange: undefined });
  incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Storm", severity: "major" })).json;
  await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Första beskedet." });
});
afterAll(() => hub.close());

const page = async (deps: Deps) => (await api({ app: hub.app, deps }).get(`/incidents/${incident.slug}`)).text;

test("a publish shows at once in its own process and within a second in another", async () => {
  expect(await page(hub.deps)).toContain("Första beskedet.");
  expect(await page(other)).toContain("Första beskedet.");

  await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Andra beskedet." });
  expect(await page(hub.deps)).toContain("Andra beskedet.");
  // The other process still trusts the revision it read moments ago ...
  expect(await page(other)).not.toContain("Andra beskedet.");
  // ... starts reading it again in the background once it is half that old ...
  // (the clock stands still from here, so only that background read can bring the change).
  hub.clock.advance(REVISION_REFRESH_MS);
  let seen = await page(other);
  for (let i = 0; i < 100 && !seen.includes("Andra beskedet."); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = await page(other);
  }
  expect(seen).toContain("Andra beskedet.");
});

test("without traffic to refresh it, the revision expires and the next request reads it", async () => {
  expect(await page(other)).toContain("Andra beskedet.");
  await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Tredje beskedet." });
  hub.clock.advance(REVISION_MAX_AGE_MS);
  expect(await page(other)).toContain("Tredje beskedet.");
});
