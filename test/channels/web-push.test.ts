// Web push end to end: a subscription made as a browser makes it, a publish, and the push service
// stand-in checking the VAPID signature and decrypting what arrives with the browser's key.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pushMessages, pushSubscriptions } from "../../src/db/schema";
import { sendDueWebPushes } from "../../src/domain/publishing/push-messages";
import { type PushServiceStandIn, type StandInSubscription, startPushService } from "../../src/sandbox/push-service";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

let hub: TestHub;
let service: PushServiceStandIn;
let publicKey: string;
let incidentId: string;
let otherIncidentId: string;
const pending: Promise<unknown>[] = [];

/** Waits for what the publish started after its commit (the fan-out and the first sends). */
async function settled() {
  while (pending.length) await Promise.all(pending.splice(0));
}

beforeAll(async () => {
  hub = await startTestHub({ env: { KRISKANAL_PUSH_ALLOW_PRIVATE: "1", KRISKANAL_PUSH_RATE_LIMIT: "0" } });
  hub.deps.defer = (work) => {
    pending.push(work.catch(() => {}));
  };
  service = await startPushService({ now: hub.clock.now });
  const key = await hub.app.request("/push/key", {}, { deps: hub.deps });
  publicKey = (await key.json()).publicKey;
  const client = api(hub, hub.token);
  incidentId = (await client.post("/api/v1/incidents", { title: "Vattenläcka på Storgatan", severity: "major" })).json
    .id;
  otherIncidentId = (await client.post("/api/v1/incidents", { title: "Strömavbrott i Norra", severity: "minor" })).json
    .id;
  await settled();
});
afterAll(async () => {
  await settled();
  await hub.close();
  await service.close();
});

function subscribe(body: unknown) {
  return hub.app.request(
    "/push/subscriptions",
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    { deps: hub.deps },
  );
}

async function subscribed(incident: string): Promise<StandInSubscription> {
  const browser = service.subscribe(publicKey);
  const res = await subscribe({ endpoint: browser.endpoint, keys: browser.keys, incident, language: "sv" });
  expect(res.status).toBe(201);
  const text = await res.text();
  expect(JSON.parse(text)).toEqual({ incident, language: "sv" });
  expect(text).not.toContain(browser.endpoint);
  return browser;
}

async function publish(id: string, body: string) {
  const res = await api(hub, hub.token).post(`/api/v1/incidents/${id}/updates`, { body });
  expect(res.status, res.text).toBe(201);
  await settled();
  // Time passes in a crisis: whoever subscribes next does so after this update was published.
  hub.clock.advance(1_000);
  return res.json as { id: string; url: string; number: number };
}

const receivedBy = (browser: StandInSubscription) =>
  service.received.filter((r) => r.subscriptionId === browser.id).map((r) => r.message);

describe("web push", () => {
  let forIncident: StandInSubscription;
  let forAll: StandInSubscription;

  test("the key is a P-256 point, made once and kept", async () => {
    expect(publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    const again = await (await hub.app.request("/push/key", {}, { deps: hub.deps })).json();
    expect(again.publicKey).toBe(publicKey);
  });

  test("a publish reaches the incident's and everyone's subscribers, decrypted with the browser's key", async () => {
    forIncident = await subscribed(incidentId);
    forAll = await subscribed("all");
    const update = await publish(
      incidentId,
      "Vattnet är avstängt på Storgatan.\nTankbil står vid skolan från klockan 15.",
    );
    const notice = {
      title: "Vattenläcka på Storgatan",
      body: "Vattnet är avstängt på Storgatan.",
      url: update.url,
      tag: incidentId,
      lang: "sv",
    };
    expect(receivedBy(forIncident)).toEqual([notice]);
    expect(receivedBy(forAll)).toEqual([notice]);
    const push = must(
      service.received.find((r) => r.subscriptionId === forIncident.id),
      "a push to the incident subscriber",
    );
    expect(push.vapid.sub).toBe("https://kris.exempel.se");
    expect(push.vapid.key).toBe(publicKey);
    expect(push.urgency).toBe("high");
    expect(push.ttl).toBe(86_400);
    expect(push.topic).toBe(incidentId.replace(/-/g, ""));
    expect(service.refused).toEqual([]);
    const rows = await hub.deps.db.select().from(pushMessages).where(eq(pushMessages.updateId, update.id));
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent"]);
  });

  test("an update of another incident reaches only everyone's subscribers", async () => {
    await publish(otherIncidentId, "Strömmen är tillbaka i Norra.");
    expect(receivedBy(forIncident)).toHaveLength(1);
    expect(receivedBy(forAll).at(-1)).toMatchObject({ title: "Strömavbrott i Norra", lang: "sv" });
    expect(must(service.received.at(-1), "the last push").urgency).toBe("normal");
  });

  test("a push service error is retried after a backoff, and sent once", async () => {
    service.answerNext(forIncident.id, 500, 503);
    const before = receivedBy(forIncident).length;
    const update = await publish(incidentId, "Reparationen pågår.");
    const waiting = async () =>
      must(
        (await hub.deps.db.select().from(pushMessages).where(eq(pushMessages.updateId, update.id))).find(
          (r) => r.status !== "sent",
        ),
        "the row not yet sent",
      );
    expect(await waiting()).toMatchObject({
      status: "pending",
      attempts: 1,
      message: "the push service answered HTTP 500",
    });
    // Not due yet: nothing is sent again before the backoff has passed.
    expect(await sendDueWebPushes(hub.deps, "test")).toEqual({ sent: 0, failed: 0, gone: 0 });
    hub.clock.advance(5 * 60_000);
    expect(await sendDueWebPushes(hub.deps, "test")).toEqual({ sent: 0, failed: 0, gone: 0 });
    expect((await waiting()).attempts).toBe(2);
    hub.clock.advance(5 * 60_000);
    expect(await sendDueWebPushes(hub.deps, "test")).toEqual({ sent: 1, failed: 0, gone: 0 });
    expect(receivedBy(forIncident)).toHaveLength(before + 1);
    expect(must(receivedBy(forIncident).at(-1), "the retried push")).toMatchObject({ body: "Reparationen pågår." });
  });

  test("410 Gone removes the subscription; its rows keep their count, not the browser", async () => {
    service.expire(forAll.id);
    const update = await publish(incidentId, "Vattnet är på igen.");
    const rows = await hub.deps.db.select().from(pushMessages).where(eq(pushMessages.updateId, update.id));
    expect(rows.map((r) => r.status).sort()).toEqual(["gone", "sent"]);
    expect(
      must(
        rows.find((r) => r.status === "gone"),
        "the gone row",
      ).subscriptionId,
    ).toBeNull();
    const left = await hub.deps.db.select().from(pushSubscriptions);
    expect(left).toHaveLength(1);
    expect(hub.logLines.join("\n")).toContain("a push subscription is gone and was removed");
    await publish(incidentId, "Ännu en uppdatering.");
    expect(service.refused.filter((r) => r.subscriptionId === forAll.id)).toHaveLength(1);
  });

  test("unsubscribing removes the subscription, and the answer is the same when there was none", async () => {
    const del = (endpoint: string) =>
      hub.app.request(
        "/push/subscriptions",
        { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify({ endpoint }) },
        { deps: hub.deps },
      );
    expect((await del(forIncident.endpoint)).status).toBe(204);
    expect(await hub.deps.db.select().from(pushSubscriptions)).toEqual([]);
    expect((await del(forIncident.endpoint)).status).toBe(204);
    const before = service.received.length;
    await publish(incidentId, "Ingen ska få den här som notis.");
    expect(service.received).toHaveLength(before);
  });

  test("a withdrawn update is not sent to a browser still waiting for it", async () => {
    const browser = await subscribed(incidentId);
    service.answerNext(browser.id, 500);
    const update = await publish(incidentId, "Fel uppgift.");
    const withdrawn = await api(hub, hub.token).post(`/api/v1/updates/${update.id}/withdraw`, {
      reason: "Felaktig uppgift",
    });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    await settled();
    hub.clock.advance(10 * 60_000);
    await sendDueWebPushes(hub.deps, "test");
    const [row] = await hub.deps.db.select().from(pushMessages).where(eq(pushMessages.updateId, update.id));
    expect(row.status).toBe("cancelled");
    expect(receivedBy(browser)).toEqual([]);
  });

  test("a row whose sender died is taken again once its lease runs out; a fan-out never made is made by the sweep", async () => {
    const browser = await subscribed("all");
    const update = await publish(otherIncidentId, "Elen kommer tillbaka under kvällen.");
    expect(receivedBy(browser)).toHaveLength(1);
    const now = hub.clock.now();
    // As if a sender claimed the row and then crashed: its lease is still running, then runs out.
    await hub.deps.db
      .update(pushMessages)
      .set({ status: "sending", leaseOwner: "dead", leaseUntil: new Date(now.getTime() + 60_000) })
      .where(eq(pushMessages.updateId, update.id));
    expect(await sendDueWebPushes(hub.deps, "test")).toMatchObject({ sent: 0 });
    hub.clock.advance(61_000);
    expect(await sendDueWebPushes(hub.deps, "test")).toMatchObject({ sent: 1 });
    expect(receivedBy(browser)).toHaveLength(2);
    // As if the process stopped between the commit and the fan-out: no rows for the update.
    await hub.deps.db.delete(pushMessages).where(eq(pushMessages.updateId, update.id));
    expect(await sendDueWebPushes(hub.deps, "test")).toMatchObject({ sent: 1 });
    expect(receivedBy(browser)).toHaveLength(3);
  });

  test("a browser subscribed after an update was published is not sent it", async () => {
    const update = await publish(otherIncidentId, "Elen är tillbaka överallt.");
    const late = await subscribed("all");
    await sendDueWebPushes(hub.deps, "test");
    expect(receivedBy(late)).toEqual([]);
    const rows = await hub.deps.db.select().from(pushMessages).where(eq(pushMessages.updateId, update.id));
    expect(rows.every((r) => r.subscriptionId !== null)).toBe(true);
  });
});
