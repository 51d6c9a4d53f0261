import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
let incident: { id: string; slug: string };
beforeAll(async () => {
  hub = await startTestHub();
  incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Vattenläcka", severity: "major" })).json;
});
afterAll(() => hub.close());

const page = async (path: string) => (await hub.app.request(path, {}, { deps: hub.deps })).text();

describe("updates", () => {
  test("an update is numbered and on the website before the response returns", async () => {
    const res = await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Vattnet är avstängt på Storgatan.",
      author: { name: "Anna Andersson", title: "Kommunikatör", department: "VA-avdelningen" },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ number: 1, kind: "update", deliveries: [] });
    expect(res.json.url).toBe(`https://kris.exempel.se/incidents/${incident.slug}/updates/1`);
    expect(typeof res.json.publishedAt).toBe("string");
    const html = await page(new URL(res.json.url).pathname);
    expect(html).toContain("Vattnet är avstängt på Storgatan.");
    expect(html).toContain("Anna Andersson, Kommunikatör, VA-avdelningen");
    const second = await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Nu lagas ledningen.",
      kind: "correction",
    });
    expect(second.json.number).toBe(2);
    const incidentPage = await page(`/incidents/${incident.slug}`);
    // Read in order (the page lists newest first; "Läget just nu" above the list shows the latest).
    const inOrder = (await page(`/incidents/${incident.slug}?ordning=aldst`)).split("Alla uppdateringar")[1];
    expect(inOrder.indexOf("Vattnet är avstängt")).toBeLessThan(inOrder.indexOf("Nu lagas ledningen"));
    expect(incidentPage).toContain('id="uppdatering-2"');
    expect(incidentPage).toContain("Rättelse");
  });

  test("the author defaults to the person posting", async () => {
    const res = await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Tankbil finns vid torget.",
    });
    expect(res.json.author).toMatchObject({ name: "Systemadministratör" });
  });

  test("an edit makes a revision; the page shows the new text and why it changed", async () => {
    const a = api(hub, hub.token);
    const posted = (
      await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Vattnet kommer tillbaka kl 16." })
    ).json;
    const edited = await a.patch(`/api/v1/updates/${posted.id}`, {
      body: "Vattnet kommer tillbaka kl 18.",
      reason: "Reparationen drog ut på tiden",
    });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({ revision: 2, editReason: "Reparationen drog ut på tiden" });
    const revisions = (await a.get(`/api/v1/updates/${posted.id}/revisions`)).json.revisions;
    expect(revisions.map((r: { body: string }) => r.body)).toEqual([
      "Vattnet kommer tillbaka kl 16.",
      "Vattnet kommer tillbaka kl 18.",
    ]);
    const html = await page(new URL(posted.url).pathname);
    expect(html).toContain("kl 18.");
    expect(html).not.toContain("kl 16.");
    expect(html).toContain("Reparationen drog ut på tiden");
    const noReason = await a.patch(`/api/v1/updates/${posted.id}`, { body: "Annat" });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.fields[0].field).toBe("reason");
  });

  test("a withdrawn update's text leaves the feeds (a tombstone stays) and its permalink says when and why", async () => {
    const a = api(hub, hub.token);
    const posted = (await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Felaktig uppgift om skolan." }))
      .json;
    expect(await page("/feed.atom")).toContain("Felaktig uppgift om skolan.");
    const res = await a.post(`/api/v1/updates/${posted.id}/withdraw`, { reason: "Uppgiften stämde inte" });
    expect(res.status).toBe(200);
    expect(res.json.withdrawnReason).toBe("Uppgiften stämde inte");
    expect(await page("/feed.atom")).not.toContain("Felaktig uppgift om skolan.");
    expect(await page("/feed.json")).not.toContain("Felaktig uppgift om skolan.");
    expect(await page("/")).not.toContain("Felaktig uppgift om skolan.");
    const permalink = await page(new URL(posted.url).pathname);
    expect(permalink).toContain("har dragits tillbaka");
    expect(permalink).toContain("Uppgiften stämde inte");
    expect(permalink).not.toContain("Felaktig uppgift om skolan.");
    const kept = await a.get(`/api/v1/updates/${posted.id}`);
    expect(kept.json.body).toBe("Felaktig uppgift om skolan.");
    expect((await a.post(`/api/v1/updates/${posted.id}/withdraw`, { reason: "igen" })).status).toBe(409);
  });

  test("a personal identity number is refused with 422 saying where, and nothing is stored", async () => {
    const a = api(hub, hub.token);
    const before = (await a.get(`/api/v1/incidents/${incident.id}`)).json.updates.length;
    for (const pin of ["19121212-1212", "121212-1212", "201212121212", "121212+1212"]) {
      const res = await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: `Kontakta ${pin} för info.` });
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe("personnummer_found");
      expect(res.json.error.fields[0]).toMatchObject({
        field: "body",
        code: "personnummer_found",
        params: { position: 10 },
      });
      expect(res.json.error.fields[0].params.masked).not.toContain(pin.slice(-4));
      expect(res.json.error.message).toContain("tecken 10");
      expect(res.json.error.message).not.toContain(pin);
    }
    const invalidChecksum = await a.post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Ärende 19121212-1213 och telefon 0701234567.",
    });
    expect(invalidChecksum.status).toBe(201);
    const after = (await a.get(`/api/v1/incidents/${incident.id}`)).json.updates.length;
    expect(after).toBe(before + 1);
  });

  test("unknown update ids are 404", async () => {
    const res = await api(hub, hub.token).patch("/api/v1/updates/00000000-0000-4000-8000-000000000000", {
      body: "x",
      reason: "abc",
    });
    expect(res.status).toBe(404);
  });
});
