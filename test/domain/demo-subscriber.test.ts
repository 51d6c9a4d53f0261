// The demo's SMS subscriber: a confirmed subscription to every incident (a number kept for fiction),
// so a newcomer sees an update go out to a subscriber too and the reach count one; sealed like any.
import { afterAll, beforeAll, expect, test } from "vitest";
import { subscribers } from "../../src/db/schema";
import { DEMO_SMS_SUBSCRIBER, seedDemoSubscriber } from "../../src/demo";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

test("without an SMS gateway the demo seeds no subscriber", async () => {
  await seedDemoSubscriber({ ...hub.deps, config: { ...hub.deps.config, sms: undefined } }, hub.clock.now());
  expect(await hub.deps.db.select().from(subscribers)).toHaveLength(0);
});

test("with one it seeds a confirmed subscriber to every incident, sealed, counted in the reach", async () => {
  const sms = { url: "http://127.0.0.1:9/46elks", username: "u", password: "p", from: "Krisinfo" };
  await seedDemoSubscriber({ ...hub.deps, config: { ...hub.deps.config, sms } }, hub.clock.now());
  const rows = await hub.deps.db.select().from(subscribers);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ channel: "sms", status: "confirmed", incidentId: null, language: "sv" });
  expect(JSON.stringify(rows)).not.toContain(DEMO_SMS_SUBSCRIBER.slice(3));
  const reach = await api(hub, hub.token).get("/api/v1/reach");
  expect(reach.json.subscribers.sms.everything).toBe(1);
});
