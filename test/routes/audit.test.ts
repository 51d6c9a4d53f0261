// Every write records its actor; admins and registrars read the log with filters.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addAccount, addDepartment, addPerson, type TestPerson } from "../helpers/people";

let hub: TestHub;
let anna: TestPerson;
let registrar: TestPerson;
let first: { id: string };
let second: { id: string };
let borrowedAccount: string;
let middle: Date;

beforeAll(async () => {
  hub = await startTestHub();
  const own = await addDepartment(hub, "Kommunikationsenheten");
  const va = await addDepartment(hub, "VA-avdelningen");
  borrowedAccount = (await addAccount(hub, { departmentId: va })).id;
  anna = await addPerson(hub, { role: "communicator", name: "Anna Andersson", departmentIds: [own] });
  registrar = await addPerson(hub, { role: "registrar", password: "registratorns lösenord" });
  first = (await api(hub, anna.token).post("/api/v1/incidents", { title: "Första", severity: "minor" })).json;
  hub.clock.advance(3_600_000);
  middle = hub.clock.now();
  hub.clock.advance(3_600_000);
  second = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Andra", severity: "major" })).json;
  const posted = await api(hub, anna.token).post(`/api/v1/incidents/${second.id}/updates`, {
    body: "Via VA-kontot.",
    targets: [borrowedAccount],
    borrowingReason: "Redaktören nås inte",
  });
  expect(posted.status, posted.text).toBe(201);
});
afterAll(() => hub.close());

const actions = (entries: { action: string }[]) => entries.map((e) => e.action);

describe("audit log", () => {
  test("filters by actor, incident, account and time", async () => {
    const reader = api(hub, registrar.token);
    const byActor = (await reader.get(`/api/v1/audit?actorId=${anna.id}`)).json.entries;
    expect(byActor.every((e: { actorId: string }) => e.actorId === anna.id)).toBe(true);
    expect(actions(byActor)).toEqual(["update.posted", "account.borrowed", "incident.opened"]);
    expect(byActor[2]).toMatchObject({ actorName: "Anna Andersson", incidentId: first.id });

    const byIncident = (await reader.get(`/api/v1/audit?incidentId=${second.id}`)).json.entries;
    expect(actions(byIncident)).toEqual(["update.posted", "account.borrowed", "incident.opened"]);
    expect(byIncident[2].actorId).toBe(hub.adminId);

    const byAccount = (await reader.get(`/api/v1/audit?accountId=${borrowedAccount}`)).json.entries;
    expect(actions(byAccount)).toEqual(["account.borrowed"]);
    expect(byAccount[0].after).toMatchObject({ reason: "Redaktören nås inte" });

    const before = (await reader.get(`/api/v1/audit?to=${middle.toISOString()}&actorId=${anna.id}`)).json.entries;
    expect(actions(before)).toEqual(["incident.opened"]);
    const after = (await reader.get(`/api/v1/audit?from=${middle.toISOString()}&actorId=${anna.id}`)).json.entries;
    expect(actions(after)).toEqual(["update.posted", "account.borrowed"]);

    const byAction = (await reader.get("/api/v1/audit?action=person.created&limit=2")).json.entries;
    expect(byAction).toHaveLength(2);
    expect(actions(byAction)).toEqual(["person.created", "person.created"]);
  });

  test("bad filters are a 400 naming them", async () => {
    const res = await api(hub, hub.token).get("/api/v1/audit?actorId=anna&from=igår&limit=0");
    expect(res.status).toBe(400);
    expect(res.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["actorId", "from", "limit"]);
  });

  test("admins and registrars read it; communicators, editors and viewers do not", async () => {
    expect((await api(hub, hub.token).get("/api/v1/audit")).status).toBe(200);
    expect((await api(hub, registrar.token).get("/api/v1/audit")).status).toBe(200);
    expect((await api(hub, anna.token).get("/api/v1/audit")).status).toBe(403);
    const viewer = await addPerson(hub, { role: "viewer" });
    expect((await api(hub, viewer.token).get("/api/v1/audit")).status).toBe(403);
  });

  test("no password hash, token or session secret ever reaches the log", async () => {
    const all = await api(hub, hub.token).get("/api/v1/audit?limit=1000");
    expect(all.text).not.toMatch(/argon2|passwordHash|tokenHash|csrf|kk_[A-Za-z0-9_-]{20}/);
    expect(all.text).not.toContain("registratorns lösenord");
  });
});
