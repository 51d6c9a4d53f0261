// Reach counts: subscribers per channel (everything, one incident) and messages per update per
// channel, on GET /api/v1/reach and on the staff incident page; counts only, never an address.
import { afterAll, beforeAll, expect, test } from "vitest";
import { subscribers, websubSubscriptions } from "../../src/db/schema";
import { type PushServiceStandIn, startPushService } from "../../src/sandbox/push-service";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addPerson } from "../helpers/people";
import { signInStaff } from "./staff-browser";

let hub: TestHub;
let service: PushServiceStandIn;
const pending: Promise<unknown>[] = [];

beforeAll(async () => {
  hub = await startTestHub({ env: { KRISKANAL_PUSH_ALLOW_PRIVATE: "1" } });
  hub.deps.defer = (work) => {
    pending.push(work.catch(() => {}));
  };
  service = await startPushService({ now: hub.clock.now });
});
afterAll(async () => {
  await Promise.all(pending);
  await hub.close();
  await service.close();
});

async function settled() {
  while (pending.length) await Promise.all(pending.splice(0));
}

async function pushSubscribe(incident: string) {
  const browser = service.subscribe();
  const res = await hub.app.request(
    "/push/subscriptions",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ endpoint: browser.endpoint, keys: browser.keys, incident }),
    },
    { deps: hub.deps },
  );
  expect(res.status).toBe(201);
  return browser;
}

test("subscribers and messages per update, per channel and in total", async () => {
  const client = api(hub, hub.token);
  const incident = (await client.post("/api/v1/incidents", { title: "Översvämning i Ån", severity: "major" })).json;
  const other = (await client.post("/api/v1/incidents", { title: "Brand i Väst", severity: "minor" })).json;
  await pushSubscribe(incident.id);
  await pushSubscribe("all");
  const gone = await pushSubscribe("all");
  await pushSubscribe(other.id);
  const now = hub.clock.now();
  const later = new Date(now.getTime() + 86_400_000);
  // WebSub subscribers as verified ones are stored: one site-wide, one on the incident's feed.
  await hub.deps.db.insert(websubSubscriptions).values([
    {
      topic: "https://kris.exempel.se/feed.atom",
      callback: "http://127.0.0.1:9/a",
      leaseSeconds: 86_400,
      expiresAt: later,
      createdAt: now,
      updatedAt: now,
    },
    {
      topic: `https://kris.exempel.se/incidents/${incident.slug}/feed.rss`,
      callback: "http://127.0.0.1:9/b",
      leaseSeconds: 86_400,
      expiresAt: later,
      createdAt: now,
      updatedAt: now,
    },
  ]);
  hub.clock.advance(1_000);
  service.expire(gone.id);
  const update = (await client.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Vattnet stiger." })).json;
  await settled();

  // Email and SMS subscribers: only confirmed ones count (a pending sign-up is sent nothing).
  const subscriber = (channel: "email" | "sms", status: "pending" | "confirmed", incidentId: string | null) => ({
    channel,
    addressSealed: "v1:sealed",
    addressHash: `${channel}-${status}-${incidentId}-${Math.random()}`,
    incidentId,
    status,
    unsubscribeHash: `u-${Math.random()}`,
    createdAt: hub.clock.now(),
  });
  await hub.deps.db
    .insert(subscribers)
    .values([
      subscriber("email", "confirmed", null),
      subscriber("email", "confirmed", incident.id),
      subscriber("email", "pending", incident.id),
      subscriber("sms", "confirmed", incident.id),
    ]);

  const res = await client.get(`/api/v1/reach?incident=${incident.id}`);
  expect(res.status).toBe(200);
  expect(res.json.subscribers).toEqual({
    websub: { everything: 1, incidents: { [incident.id]: 1 } },
    // The gone browser was removed when the push service said so.
    web_push: { everything: 1, incidents: { [incident.id]: 1 } },
    email: { everything: 1, incidents: { [incident.id]: 1 } },
    sms: { everything: 0, incidents: { [incident.id]: 1 } },
    total: { everything: 3, incidents: { [incident.id]: 4 } },
  });
  const row = res.json.updates.find((u: { updateId: string }) => u.updateId === update.id);
  expect(row.number).toBe(1);
  expect(row.channels.web_push).toEqual({ sent: 2, failed: 1, pending: 0 });
  // The WebSub callbacks do not answer (port 9): the pushes wait for a retry.
  expect(row.channels.websub.sent + row.channels.websub.failed + row.channels.websub.pending).toBe(2);
  expect(row.total.sent).toBe(2 + row.channels.websub.sent);
  expect(res.text).not.toContain(gone.endpoint);
  expect(res.text).not.toContain("127.0.0.1");

  const all = await client.get("/api/v1/reach");
  expect(all.json.subscribers.web_push).toEqual({ everything: 1, incidents: { [incident.id]: 1, [other.id]: 1 } });
  expect(all.json.updates.map((u: { updateId: string }) => u.updateId)).toContain(update.id);

  const communicator = await addPerson(hub, { role: "communicator", password: "Korrekt hästbatteri 2026" });
  const staff = await signInStaff(hub, communicator.email, "Korrekt hästbatteri 2026");
  const { html } = await staff.get(`/staff/incidents/${incident.id}`);
  expect(html).toContain("Räckvidd");
  expect(html).toMatch(/Webbnotiser<\/th><td>1<\/td><td>1<\/td>/);
  expect(html).toContain("2 skickade, 1 misslyckade");
});

test("a viewer may not see the reach; a bad incident id is a 400 naming the field", async () => {
  const viewer = await addPerson(hub, { role: "viewer" });
  expect((await api(hub, viewer.token).get("/api/v1/reach")).status).toBe(403);
  const bad = await api(hub, hub.token).get("/api/v1/reach?incident=nej");
  expect(bad.status).toBe(400);
  expect(bad.json.error.fields[0].field).toBe("incident");
});
