// The role matrix through the API: the same rules as test/domain/access.test.ts, seen from a
// client holding each role's token, against accounts of its own and of another department.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Role } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addAccount, addDepartment, addPerson, type TestPerson } from "../helpers/people";

let hub: TestHub;
let incident: { id: string };
let ownAccount: string;
let otherAccount: string;
const people = {} as Record<Role, TestPerson>;
const ROLES: Role[] = ["admin", "communicator", "editor", "registrar", "viewer"];

beforeAll(async () => {
  hub = await startTestHub();
  const own = await addDepartment(hub, "Räddningstjänsten");
  const other = await addDepartment(hub, "Barn- och utbildning");
  ownAccount = (await addAccount(hub, { departmentId: own })).id;
  otherAccount = (await addAccount(hub, { departmentId: other })).id;
  for (const role of ROLES) people[role] = await addPerson(hub, { role, departmentIds: [own] });
  incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Brand", severity: "critical" })).json;
});
afterAll(() => hub.close());

type Check = (p: TestPerson) => Promise<number>;
const as = (p: TestPerson) => api(hub, p.token);
// Accounts exist only after beforeAll, so cases name them by a getter.
const postTo =
  (target: () => string, reason?: string): Check =>
  async (p) =>
    (
      await as(p).post(`/api/v1/incidents/${incident.id}/updates`, {
        body: "Röken syns över hela staden.",
        targets: [target()],
        ...(reason ? { borrowingReason: reason } : {}),
      })
    ).status;

// Expected status per role, in the order of ROLES: admin, communicator, editor, registrar, viewer.
const CASES: [string, Check, number[]][] = [
  [
    "open an incident",
    async (p) => (await as(p).post("/api/v1/incidents", { title: "Ny händelse", severity: "minor" })).status,
    [201, 201, 403, 403, 403],
  ],
  ["publish through an own department's account", postTo(() => ownAccount), [201, 201, 201, 403, 403]],
  [
    "publish through another department's account, with a reason",
    postTo(() => otherAccount, "Ordinarie redaktör nås inte"),
    [201, 201, 403, 403, 403],
  ],
  [
    "publish through another department's account without a reason",
    postTo(() => otherAccount),
    [201, 403, 403, 403, 403],
  ],
  [
    "add a person",
    async (p) =>
      (await as(p).post("/api/v1/people", { name: "X", email: `x-${crypto.randomUUID()}@e.se`, role: "viewer" }))
        .status,
    [201, 403, 403, 403, 403],
  ],
  ["list people", async (p) => (await as(p).get("/api/v1/people")).status, [200, 200, 403, 200, 403]],
  ["read the audit log", async (p) => (await as(p).get("/api/v1/audit")).status, [200, 403, 403, 200, 403]],
  ["read the borrowing record", async (p) => (await as(p).get("/api/v1/borrowings")).status, [200, 200, 200, 200, 403]],
  [
    "switch the four-eyes rule",
    async (p) => (await as(p).patch("/api/v1/organisation", { requireApproval: false })).status,
    [200, 403, 403, 403, 403],
  ],
  [
    "pause and resume deliveries",
    async (p) => {
      const paused = await as(p).post("/api/v1/deliveries/pause", {});
      if (paused.status === 200) await as(p).post("/api/v1/deliveries/resume", {});
      return paused.status;
    },
    [200, 200, 403, 403, 403],
  ],
];

describe("the role matrix through the API", () => {
  for (const [what, check, expected] of CASES) {
    for (const [i, role] of ROLES.entries()) {
      test(`${role}: ${what} -> ${expected[i]}`, async () => {
        expect(await check(people[role])).toBe(expected[i]);
      });
    }
  }

  test("an editor edits and withdraws only the updates they posted", async () => {
    const own = (
      await as(people.editor).post(`/api/v1/incidents/${incident.id}/updates`, {
        body: "Redaktörens egen.",
        targets: [ownAccount],
      })
    ).json;
    const communicators = (
      await as(people.communicator).post(`/api/v1/incidents/${incident.id}/updates`, {
        body: "Kommunikatörens.",
        targets: [ownAccount],
      })
    ).json;
    const edit = { body: "Ny text.", reason: "Förtydligande" };
    expect((await as(people.editor).patch(`/api/v1/updates/${communicators.id}`, edit)).status).toBe(403);
    expect(
      (await as(people.editor).post(`/api/v1/updates/${communicators.id}/withdraw`, { reason: "Fel" })).status,
    ).toBe(403);
    expect((await as(people.editor).patch(`/api/v1/updates/${own.id}`, edit)).status).toBe(200);
    expect((await as(people.communicator).patch(`/api/v1/updates/${own.id}`, { ...edit, body: "Annan." })).status).toBe(
      200,
    );
    expect((await as(people.editor).post(`/api/v1/updates/${own.id}/withdraw`, { reason: "Fel" })).status).toBe(200);
    expect((await as(people.registrar).patch(`/api/v1/updates/${communicators.id}`, edit)).status).toBe(403);
  });

  test("a borrowing is recorded for the communicator, never for the admin", async () => {
    const list = (await api(hub, hub.token).get(`/api/v1/borrowings?accountId=${otherAccount}`)).json.borrowings;
    expect(list.map((b: { person: { id: string } }) => b.person.id)).toEqual([people.communicator.id]);
  });
});
