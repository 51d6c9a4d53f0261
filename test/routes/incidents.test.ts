import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

describe("incidents API", () => {
  test("opens an incident with a readable slug and a public URL", async () => {
    const res = await api(hub, hub.token).post("/api/v1/incidents", {
      title: "Vattenläcka på Storgatan",
      severity: "major",
      areas: ["Centrum"],
      registrationNumber: "KS 2026/123",
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ slug: "2026-11-21-vattenlacka-pa-storgatan", status: "active" });
    expect(res.json.url).toBe("https://kris.exempel.se/incidents/2026-11-21-vattenlacka-pa-storgatan");
    const again = await api(hub, hub.token).post("/api/v1/incidents", {
      title: "Vattenläcka på Storgatan",
      severity: "minor",
    });
    expect(again.json.slug).toBe("2026-11-21-vattenlacka-pa-storgatan-2");
    const got = await api(hub, hub.token).get(`/api/v1/incidents/${res.json.id}`);
    expect(got.json).toMatchObject({ id: res.json.id, registrationNumber: "KS 2026/123", updates: [] });
    const list = await api(hub, hub.token).get("/api/v1/incidents");
    expect(list.json.incidents.map((i: { id: string }) => i.id)).toContain(res.json.id);
  });

  test("bad input is a 400 naming every wrong field, and nothing is written", async () => {
    const before = await api(hub, hub.token).get("/api/v1/incidents");
    const res = await api(hub, hub.token).post("/api/v1/incidents", {
      title: "x",
      severity: "apocalyptic",
      areas: "all",
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_input");
    // Each field error names zod's issue code, so a client can word it in its own language.
    expect(res.json.error.fields.find((f: { field: string }) => f.field === "title").code).toBe("too_small");
    expect(res.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["areas", "severity", "title"]);
    const after = await api(hub, hub.token).get("/api/v1/incidents");
    expect(after.json.incidents.length).toBe(before.json.incidents.length);
  });

  test("malformed JSON is a 400, not a crash", async () => {
    const res = await api(hub, hub.token).post("/api/v1/incidents", "{not json");
    expect(res.status).toBe(400);
    expect(res.json.error.fields[0].field).toBe("(body)");
  });

  test("missing or unknown tokens get 401, unknown ids 404, all as JSON errors", async () => {
    expect((await api(hub).get("/api/v1/incidents")).status).toBe(401);
    const bad = await api(hub, "kk_nonsense").get("/api/v1/incidents");
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe("unauthorized");
    const missing = await api(hub, hub.token).get("/api/v1/incidents/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: "not_found", params: { what: "incident" } });
    expect((await api(hub, hub.token).get("/api/v1/incidents/not-a-uuid")).status).toBe(400);
  });

  test("the bootstrap token is a valid admin token", async () => {
    const res = await api(hub, "test-bootstrap-token-0123456789").post("/api/v1/incidents", {
      title: "Storm",
      severity: "info",
    });
    expect(res.status).toBe(201);
  });

  test("closing says whether an all-clear was posted", async () => {
    const a = api(hub, hub.token);
    const one = (await a.post("/api/v1/incidents", { title: "Strömavbrott", severity: "major" })).json;
    const closedWithout = await a.post(`/api/v1/incidents/${one.id}/close`);
    expect(closedWithout.json).toMatchObject({ status: "resolved", allClearPosted: false });
    const again = await a.post(`/api/v1/incidents/${one.id}/close`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("incident_already_resolved");
    const two = (await a.post("/api/v1/incidents", { title: "Skolan utrymd", severity: "critical" })).json;
    await a.post(`/api/v1/incidents/${two.id}/updates`, { body: "Faran är över.", kind: "all_clear" });
    const closedWith = await a.post(`/api/v1/incidents/${two.id}/close`);
    expect(closedWith.json).toMatchObject({ status: "resolved", allClearPosted: true });
    const late = await a.post(`/api/v1/incidents/${two.id}/updates`, { body: "En sen rad." });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe("incident_resolved");
  });

  test("every write is in the audit log with its actor", async () => {
    const a = api(hub, hub.token);
    const inc = (await a.post("/api/v1/incidents", { title: "Granskning", severity: "info" })).json;
    const log = await a.get(`/api/v1/audit?incidentId=${inc.id}`);
    expect(log.status).toBe(200);
    expect(log.json.entries[0]).toMatchObject({ action: "incident.opened", actorName: "Systemadministratör" });
  });
});
