import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog, people, type Role } from "../../src/db/schema";
import { issueToken } from "../../src/domain/people/tokens";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

async function tokenFor(role: Role) {
  const now = hub.clock.now();
  const [person] = await hub.deps.db
    .insert(people)
    .values({
      name: `Test ${role}`,
      email: `${role}-${crypto.randomUUID()}@exempel.se`,
      role,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return (await issueToken(hub.deps.db, person.id, "test", now)).token;
}

const page = async (path: string) => (await hub.app.request(path, {}, { deps: hub.deps })).text();

describe("departments", () => {
  test("an admin creates, renames and retires a department; each step is audited and nothing is deleted", async () => {
    const admin = api(hub, hub.token);
    const created = await admin.post("/api/v1/departments", { name: "  Kultur och fritid " });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "Kultur och fritid", retired: false, retiredAt: null });
    const id = created.json.id;

    const renamed = await admin.patch(`/api/v1/departments/${id}`, { name: "Kultur- och fritidsförvaltningen" });
    expect(renamed.status).toBe(200);
    expect(renamed.json.name).toBe("Kultur- och fritidsförvaltningen");
    expect((await admin.get(`/api/v1/departments/${id}`)).json.name).toBe("Kultur- och fritidsförvaltningen");

    const retired = await admin.post(`/api/v1/departments/${id}/retire`);
    expect(retired.status).toBe(200);
    expect(retired.json).toMatchObject({ retired: true, retiredAt: hub.clock.now().toISOString() });
    expect((await admin.post(`/api/v1/departments/${id}/retire`)).status).toBe(409);
    expect((await admin.patch(`/api/v1/departments/${id}`, { name: "Nytt namn" })).status).toBe(409);

    const listed = (await admin.get("/api/v1/departments")).json.departments.map((d: { id: string }) => d.id);
    expect(listed).not.toContain(id);
    const withRetired = (await admin.get("/api/v1/departments?includeRetired=true")).json.departments;
    expect(withRetired.find((d: { id: string }) => d.id === id)).toMatchObject({ retired: true });

    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audit.map((a) => a.action)).toEqual(["department.created", "department.renamed", "department.retired"]);
    expect(audit[1].before).toMatchObject({ name: "Kultur och fritid" });
    expect(audit[1].after).toMatchObject({ name: "Kultur- och fritidsförvaltningen" });
  });

  test("the list is sorted by name", async () => {
    const admin = api(hub, hub.token);
    await admin.post("/api/v1/departments", { name: "Överförmyndaren" });
    await admin.post("/api/v1/departments", { name: "Bygglov" });
    const names = (await admin.get("/api/v1/departments")).json.departments.map((d: { name: string }) => d.name);
    expect(names.indexOf("Bygglov")).toBeLessThan(names.indexOf("Överförmyndaren"));
  });

  test("bad input is a 400 naming the field; a name in use is a 409 whatever its case", async () => {
    const admin = api(hub, hub.token);
    const empty = await admin.post("/api/v1/departments", { name: " " });
    expect(empty.status).toBe(400);
    expect(empty.json.error.fields[0].field).toBe("name");
    const missing = await admin.post("/api/v1/departments", {});
    expect(missing.status).toBe(400);
    expect((await admin.post("/api/v1/departments", "not json")).status).toBe(400);
    await admin.post("/api/v1/departments", { name: "Räddningstjänsten" });
    const twice = await admin.post("/api/v1/departments", { name: "RÄDDNINGSTJÄNSTEN" });
    expect(twice.status).toBe(409);
    expect(twice.json.error.detail).toContain("already exists");
    const other = (await admin.post("/api/v1/departments", { name: "Socialtjänsten" })).json;
    expect((await admin.patch(`/api/v1/departments/${other.id}`, { name: "räddningstjänsten" })).status).toBe(409);
  });

  test("only admins manage departments; everyone signed in may list them", async () => {
    for (const role of ["communicator", "editor", "registrar", "viewer"] as const) {
      const client = api(hub, await tokenFor(role));
      expect((await client.post("/api/v1/departments", { name: `Av ${role}` })).status).toBe(403);
      expect((await client.get("/api/v1/departments")).status).toBe(200);
    }
    expect((await api(hub).get("/api/v1/departments")).status).toBe(401);
  });

  test("unknown ids are 404, malformed ones 400", async () => {
    const admin = api(hub, hub.token);
    expect((await admin.get("/api/v1/departments/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await admin.patch("/api/v1/departments/nope", { name: "X-avdelningen" })).status).toBe(400);
    expect((await admin.post("/api/v1/departments/nope/retire")).status).toBe(400);
  });

  test("a department that owns active accounts cannot be retired; renaming it shows on the public channel list", async () => {
    const admin = api(hub, hub.token);
    const dept = (await admin.post("/api/v1/departments", { name: "VA-avdelningen" })).json;
    const account = await admin.post("/api/v1/accounts", {
      platform: "x",
      handle: "exempel_va",
      departmentId: dept.id,
      purpose: "Driftinformation om vatten och avlopp.",
      credential: { accessToken: "va-token" },
    });
    expect(account.status, account.text).toBe(201);
    expect(await page("/channels")).toContain("VA-avdelningen");

    const refused = await admin.post(`/api/v1/departments/${dept.id}/retire`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.detail).toContain("x exempel_va");

    await admin.patch(`/api/v1/departments/${dept.id}`, { name: "Vatten och avlopp" });
    const html = await page("/channels");
    expect(html).toContain("Vatten och avlopp");
    expect(html).not.toContain("VA-avdelningen");

    await admin.patch(`/api/v1/accounts/${account.json.id}`, { status: "closed" });
    expect((await admin.post(`/api/v1/departments/${dept.id}/retire`)).status).toBe(200);
  });
});
