// The demo's finished exercise: run through the real verbs onto the sandbox stand-ins, which the
// demo registers as exercise accounts, and kept under /ovning only.
import { afterAll, beforeAll, expect, test } from "vitest";
import { DEMO_EXERCISE, seedDemo, seedDemoExercise } from "../../src/demo";
import { ensureSandboxAccounts } from "../../src/domain/accounts/accounts";
import { sandboxAccounts } from "../../src/sandbox/accounts";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

test("the demo seeds one finished exercise on its exercise accounts, off the main site", async () => {
  await seedDemo(hub.deps.db, hub.clock.now());
  await ensureSandboxAccounts(hub.deps, sandboxAccounts("http://127.0.0.1:9"));
  const id = must(await seedDemoExercise(hub.deps, hub.clock.now()), "the exercise's id");
  const admin = api(hub, hub.token);
  const accounts = (await admin.get("/api/v1/accounts")).json.accounts;
  expect(accounts.length).toBeGreaterThan(0);
  expect(accounts.every((a: { exercise: boolean }) => a.exercise)).toBe(true);
  const incident = (await admin.get(`/api/v1/incidents/${id}`)).json;
  expect(incident).toMatchObject({ exercise: true, status: "resolved", title: DEMO_EXERCISE.title });
  expect(incident.updates.map((u: { kind: string }) => u.kind)).toEqual(["update", "update", "update", "all_clear"]);
  const deliveries = (await admin.get(`/api/v1/updates/${incident.updates[0].id}/deliveries`)).json.deliveries;
  expect(deliveries.length).toBe(accounts.length);
  const page = await hub.app.request(`/ovning/${incident.slug}`, {}, { deps: hub.deps });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("<strong>ÖVNING</strong>");
  const home = await (await hub.app.request("/", {}, { deps: hub.deps })).text();
  expect(home).not.toContain(incident.slug);
});
