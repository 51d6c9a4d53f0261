// Input the database cannot hold is a 400 naming the field, and nothing is written: a NUL in
// text, a lone surrogate, a path id that is not a UUID, a date outside the years 1900-9999.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

let hub: TestHub;
let incident: { id: string };
let update: { id: string };
beforeAll(async () => {
  hub = await startTestHub();
  incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Vattenläcka", severity: "major" })).json;
  update = (await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Stängt vatten." }))
    .json;
});
afterAll(() => hub.close());

const fieldsOf = (json: { error?: { fields?: { field: string }[] } } | null) =>
  (json?.error?.fields ?? []).map((f) => f.field);
const UUID = "00000000-0000-4000-8000-000000000000";

describe("text the database cannot store", () => {
  test("a NUL byte in a JSON text field is 400 naming it, and no incident is opened", async () => {
    const res = await api(hub, hub.token).post("/api/v1/incidents", { title: "a\u0000b", severity: "info" });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(["title"]);
    const list = await api(hub, hub.token).get("/api/v1/incidents");
    expect(JSON.stringify(list.json)).not.toContain("a\\u0000b");
  });

  test("a NUL byte nested in an array names its path", async () => {
    const res = await api(hub, hub.token).post("/api/v1/incidents", {
      title: "Storm",
      severity: "info",
      areas: ["Norr", "S\u0000"],
    });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(["areas.1"]);
  });

  test("a lone surrogate in a JSON-stored field is 400 naming it, and the update stays", async () => {
    const res = await api(hub, hub.token).post(`/api/v1/updates/${update.id}/withdraw`, '{"reason":"a\\ud83dz"}');
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(["reason"]);
    const after = await api(hub, hub.token).get(`/api/v1/updates/${update.id}`);
    expect(after.json.withdrawnAt ?? null).toBeNull();
  });

  test("a surrogate pair (an emoji) is fine", async () => {
    const res = await api(hub, hub.token).patch(`/api/v1/incidents/${incident.id}`, { summary: "Vatten 💧" });
    expect(res.status).toBe(200);
  });

  test("a NUL in a query parameter is 400 naming it", async () => {
    const res = await api(hub, hub.token).get("/api/v1/audit?action=a%00b");
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(["action"]);
  });

  test("a NUL in the sign-in form is 400, not 500", async () => {
    const login = await hub.app.request("/staff/login", {}, { deps: hub.deps });
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    const csrf = must(/name="_csrf" value="([^"]+)"/.exec(await login.text()), "the CSRF field")[1];
    const res = await hub.app.request(
      "/staff/login",
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: `_csrf=${encodeURIComponent(csrf)}&email=a%00%40b.se&password=x`,
      },
      { deps: hub.deps },
    );
    expect(res.status).toBe(400);
  });
});

describe("ids in the path", () => {
  test("a non-UUID id on the API is 400 naming the parameter", async () => {
    const res = await api(hub, hub.token).get(`/api/v1/accounts/not-a-uuid/snapshots/${UUID}`);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(["id"]);
  });

  test("a non-UUID second id is named too", async () => {
    const res = await api(hub, hub.token).get(`/api/v1/accounts/${UUID}/snapshots/nope`);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(["snapshotId"]);
  });

  test("a non-UUID id on a write is 400 and changes nothing", async () => {
    const res = await api(hub, hub.token).patch("/api/v1/incidents/1", { title: "Ny titel" });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(["id"]);
  });

  test("a well-formed unknown id is still 404", async () => {
    const res = await api(hub, hub.token).get(`/api/v1/updates/${UUID}`);
    expect(res.status).toBe(404);
  });

  test("a non-UUID id on a staff page is a Swedish 400 page", async () => {
    const res = await hub.app.request("/staff/incidents/not-a-uuid", {}, { deps: hub.deps });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Felaktiga uppgifter");
  });

  test("a literal path next to an id route is not mistaken for an id", async () => {
    const res = await api(hub, hub.token).get(`/api/v1/incidents/${incident.id}`);
    expect(res.status).toBe(200);
  });
});

describe("dates out of range", () => {
  test("the audit log refuses a year the database cannot hold, naming the field", async () => {
    const res = await api(hub, hub.token).get("/api/v1/audit?from=99999-01-01");
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toContain("from");
  });

  test("the export refuses an out-of-range period, naming the field", async () => {
    const res = await api(hub, hub.token).get("/api/v1/export?from=1&to=99999");
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toContain("to");
  });

  test("an ordinary date range still works", async () => {
    const res = await api(hub, hub.token).get("/api/v1/audit?from=2020-01-01&to=2030-01-01");
    expect(res.status).toBe(200);
  });
});
