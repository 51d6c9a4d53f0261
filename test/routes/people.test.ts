import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog, people } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addDepartment, addPerson } from "../helpers/people";

let hub: TestHub;
let va: string;
let skola: string;
beforeAll(async () => {
  hub = await startTestHub();
  va = await addDepartment(hub, "VA-avdelningen");
  skola = await addDepartment(hub, "Barn- och utbildning");
});
afterAll(() => hub.close());

const countPeople = async () => (await hub.deps.db.select().from(people)).length;

describe("people API", () => {
  test("an admin adds a person; the password is stored as argon2id and never shown", async () => {
    const res = await api(hub, hub.token).post("/api/v1/people", {
      name: "Eva Ek",
      email: "  Eva.Ek@Exempelkommun.se ",
      title: "Redaktör",
      role: "editor",
      departmentIds: [va, skola],
      password: "ett långt lösenord 2026",
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      name: "Eva Ek",
      email: "eva.ek@exempelkommun.se",
      role: "editor",
      departmentId: va,
      departmentIds: [va, skola],
      hasPassword: true,
    });
    expect(res.text).not.toMatch(/argon2|passwordHash|ett långt/);
    const [row] = await hub.deps.db.select().from(people).where(eq(people.id, res.json.id));
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const [audit] = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, res.json.id));
    expect(audit).toMatchObject({ action: "person.created", actorId: hub.adminId, actorName: "Systemadministratör" });
    expect(JSON.stringify(audit)).not.toMatch(/argon2|passwordHash/);
  });

  test("bad input is a 400 naming every wrong field, and nobody is added", async () => {
    const before = await countPeople();
    const res = await api(hub, hub.token).post("/api/v1/people", {
      name: "",
      email: "inte-en-adress",
      role: "boss",
      password: "kort",
    });
    expect(res.status).toBe(400);
    expect(res.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      "email",
      "name",
      "password",
      "role",
    ]);
    const editor = await api(hub, hub.token).post("/api/v1/people", {
      name: "Utan avdelning",
      email: "utan@exempelkommun.se",
      role: "editor",
    });
    expect(editor.status).toBe(400);
    expect(editor.json.error.fields[0].field).toBe("departmentIds");
    const unknown = await api(hub, hub.token).post("/api/v1/people", {
      name: "Okänd avdelning",
      email: "okand@exempelkommun.se",
      role: "editor",
      departmentIds: ["00000000-0000-4000-8000-000000000000"],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.fields[0]).toMatchObject({ field: "departmentIds" });
    expect(await countPeople()).toBe(before);
  });

  test("an email is taken whatever its case", async () => {
    await addPerson(hub, { role: "viewer", email: "dubbel@exempelkommun.se" });
    const res = await api(hub, hub.token).post("/api/v1/people", {
      name: "Dubbel",
      email: "DUBBEL@exempelkommun.se",
      role: "viewer",
    });
    expect(res.status).toBe(409);
    expect(res.json.error.fields[0].field).toBe("email");
  });

  test("only admins add or change people; readers of records may list them", async () => {
    const communicator = await addPerson(hub, { role: "communicator" });
    const registrar = await addPerson(hub, { role: "registrar" });
    const editor = await addPerson(hub, { role: "editor", departmentIds: [va] });
    const viewer = await addPerson(hub, { role: "viewer" });
    const newPerson = { name: "Ny", email: "ny@exempelkommun.se", role: "admin" };
    for (const p of [communicator, registrar, editor, viewer]) {
      expect((await api(hub, p.token).post("/api/v1/people", newPerson)).status).toBe(403);
      expect((await api(hub, p.token).patch(`/api/v1/people/${communicator.id}`, { role: "admin" })).status).toBe(403);
    }
    for (const p of [communicator, registrar]) {
      const list = await api(hub, p.token).get("/api/v1/people");
      expect(list.status).toBe(200);
      expect(list.json.people.map((x: { id: string }) => x.id)).toContain(editor.id);
      expect(list.text).not.toMatch(/argon2|passwordHash/);
    }
    for (const p of [editor, viewer]) {
      expect((await api(hub, p.token).get("/api/v1/people")).status).toBe(403);
      expect((await api(hub, p.token).get(`/api/v1/people/${communicator.id}`)).status).toBe(403);
      const me = await api(hub, p.token).get("/api/v1/people/me");
      expect(me.status).toBe(200);
      expect(me.json.id).toBe(p.id);
      expect((await api(hub, p.token).get(`/api/v1/people/${p.id}`)).json.id).toBe(p.id);
    }
    const byDepartment = await api(hub, hub.token).get(`/api/v1/people?departmentId=${va}`);
    expect(byDepartment.json.people.map((x: { id: string }) => x.id)).toContain(editor.id);
    expect(byDepartment.json.people.map((x: { id: string }) => x.id)).not.toContain(viewer.id);
  });

  test("a person changes their own name and title, but not their role", async () => {
    const p = await addPerson(hub, { role: "communicator" });
    const own = await api(hub, p.token).patch(`/api/v1/people/${p.id}`, { name: "Karin Berg", title: "Presschef" });
    expect(own.status, own.text).toBe(200);
    expect(own.json).toMatchObject({ name: "Karin Berg", title: "Presschef", role: "communicator" });
    expect((await api(hub, p.token).patch(`/api/v1/people/${p.id}`, { role: "admin" })).status).toBe(403);
    const [audit] = await hub.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "person.updated"))
      .orderBy(auditLog.id);
    expect(audit).toMatchObject({ actorId: p.id, entityId: p.id });
  });

  test("an admin changes a role and departments; an editor needs a department", async () => {
    const p = await addPerson(hub, { role: "viewer" });
    const res = await api(hub, hub.token).patch(`/api/v1/people/${p.id}`, { role: "editor", departmentIds: [skola] });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ role: "editor", departmentIds: [skola] });
    const none = await api(hub, hub.token).patch(`/api/v1/people/${p.id}`, { departmentIds: [] });
    expect(none.status).toBe(400);
    expect((await api(hub, hub.token).patch(`/api/v1/people/${p.id}`, {})).status).toBe(400);
    expect((await api(hub, hub.token).get("/api/v1/people/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  test("a disabled person's tokens stop working at once; nothing is deleted", async () => {
    const p = await addPerson(hub, { role: "communicator" });
    expect((await api(hub, p.token).get("/api/v1/people/me")).status).toBe(200);
    const res = await api(hub, hub.token).patch(`/api/v1/people/${p.id}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(res.json.disabledAt).toBe(hub.clock.now().toISOString());
    expect((await api(hub, p.token).get("/api/v1/people/me")).status).toBe(401);
    const listed = await api(hub, hub.token).get("/api/v1/people?includeDisabled=true");
    expect(listed.json.people.map((x: { id: string }) => x.id)).toContain(p.id);
    const active = await api(hub, hub.token).get("/api/v1/people");
    expect(active.json.people.map((x: { id: string }) => x.id)).not.toContain(p.id);
  });

  test("the last active admin cannot be demoted or disabled", async () => {
    const res = await api(hub, hub.token).patch(`/api/v1/people/${hub.adminId}`, { role: "viewer" });
    expect(res.status).toBe(409);
    expect((await api(hub, hub.token).patch(`/api/v1/people/${hub.adminId}`, { disabled: true })).status).toBe(409);
    const second = await addPerson(hub, { role: "admin" });
    const demoted = await api(hub, second.token).patch(`/api/v1/people/${second.id}`, { role: "communicator" });
    expect(demoted.status, demoted.text).toBe(200);
  });
});
