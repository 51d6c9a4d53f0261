// Delivery status, retry and preview over HTTP, with the dispatcher sending to the sandbox.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type FanoutHub, IMAGE, startFanoutHub } from "../dispatcher/fanout-hub";
import { api } from "../helpers/hub";
import { addPerson } from "../helpers/people";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["x", "mastodon", "instagram", "bluesky"] });
});
afterAll(() => hub.close());

describe("preview", () => {
  test("shows per account exactly what would be sent and whether it fits; nothing is written or sent", async () => {
    const admin = api(hub, hub.token);
    const long = `${"Vattnet är avstängt i hela centrum medan ledningen byts. ".repeat(8)}Mer information följer.`;
    const res = await admin.post(`/api/v1/incidents/${hub.incident.id}/updates/preview`, {
      body: long,
      variants: { x: "Vattnet är avstängt i centrum." },
    });
    expect(res.status, res.text).toBe(200);
    const link = `https://kris.exempel.se/incidents/${hub.incident.slug}/updates/1`;
    expect(res.json).toMatchObject({ number: 1, url: link });
    const by = Object.fromEntries(res.json.previews.map((p: { platform: string }) => [p.platform, p]));
    expect(by.x.text).toBe(`Vattnet är avstängt i centrum.\n\n${link}`);
    expect(by.x).toMatchObject({ fits: true, shortened: false, limit: 280 });
    expect(by.mastodon).toMatchObject({ fits: true, shortened: true });
    expect(by.mastodon.text.endsWith(link)).toBe(true);
    expect(by.bluesky.length).toBeLessThanOrEqual(300);
    // Without an image of its own Instagram gets the update's crisis card.
    expect(by.instagram).toMatchObject({ fits: true });
    expect(by.instagram.skipReason).toBeNull();
    expect((await admin.get(`/api/v1/incidents/${hub.incident.id}/updates`)).json.updates).toEqual([]);
    expect(hub.sandbox.state("x").posts).toEqual([]);
    const withImage = await admin.post(`/api/v1/incidents/${hub.incident.id}/updates/preview`, {
      body: "Kort.",
      image: IMAGE,
    });
    expect(withImage.json.previews.find((p: { platform: string }) => p.platform === "instagram").fits).toBe(true);
    expect((await admin.post(`/api/v1/incidents/${hub.incident.id}/updates/preview`, {})).status).toBe(400);
  });
});

describe("status and retry", () => {
  test("a failed delivery shows why, and a retry sends it", async () => {
    hub.sandbox.control("x").failNext({ status: 400, body: { title: "Invalid Request", detail: "Ogiltig text" } });
    const updateId = await hub.post("Vattnet är tillbaka.");
    expect(hub.signalled.at(-1)).toHaveLength(4);
    await hub.dispatch();
    const admin = api(hub, hub.token);
    const list = await admin.get(`/api/v1/updates/${updateId}/deliveries`);
    expect(list.status).toBe(200);
    const x = list.json.deliveries.find((d: { platform: string }) => d.platform === "x");
    expect(x).toMatchObject({
      status: "failed",
      failureClass: "invalid",
      attempts: 1,
      kind: "publish",
      remoteUrl: null,
    });
    expect(x.message).toBeTruthy();
    const published = list.json.deliveries.find((d: { platform: string }) => d.platform === "mastodon");
    expect(published).toMatchObject({ status: "published", failureClass: null });
    expect(published.remoteUrl).toMatch(/^http/);
    for (const key of [
      "id",
      "accountId",
      "platform",
      "kind",
      "status",
      "attempts",
      "remoteId",
      "remoteUrl",
      "failureClass",
      "message",
      "nextAttemptAt",
      "updatedAt",
    ]) {
      expect(Object.keys(x)).toContain(key);
    }
    const failedBoard = await admin.get("/api/v1/deliveries?status=failed");
    expect(failedBoard.json.deliveries.map((d: { id: string }) => d.id)).toContain(x.id);

    expect((await admin.post(`/api/v1/deliveries/${published.id}/retry`)).status).toBe(409);
    expect((await admin.post("/api/v1/deliveries/00000000-0000-4000-8000-000000000000/retry")).status).toBe(404);
    // An editor of another department may not touch the organisation's own X account.
    const school = (await admin.post("/api/v1/departments", { name: "Skolan" })).json.id;
    const editor = await addPerson(hub, { role: "editor", departmentIds: [school] });
    expect((await api(hub, editor.token).post(`/api/v1/deliveries/${x.id}/retry`)).status).toBe(403);

    const retried = await admin.post(`/api/v1/deliveries/${x.id}/retry`);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json).toMatchObject({ status: "pending", attempts: 0, failureClass: null });
    expect(hub.signalled.at(-1)).toEqual([x.id]);
    await hub.dispatch();
    const after = (await admin.get(`/api/v1/updates/${updateId}/deliveries`)).json.deliveries;
    expect(after.find((d: { id: string }) => d.id === x.id)).toMatchObject({ status: "published", attempts: 1 });
    const audit = (await admin.get("/api/v1/audit?action=delivery.retried")).json;
    expect(JSON.stringify(audit)).toContain(x.id);
  });
});
