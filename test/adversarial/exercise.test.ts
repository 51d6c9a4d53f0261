// Bad input to exercise mode: a flag that is not a boolean, an attempt to turn an exercise into a
// real incident (or back) hidden among other changes, resets of the wrong thing, and a forged
// target list. Each is a 400/403/404/409 with a code, and nothing is written (row counts).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addAccount } from "../helpers/people";
import { countRows } from "./route-table";

let hub: TestHub;
let exercise: { id: string; title: string };
let real: { id: string };
beforeAll(async () => {
  hub = await startTestHub();
  const admin = api(hub, hub.token);
  exercise = (await admin.post("/api/v1/incidents", { title: "Övning: storm", severity: "major", exercise: true }))
    .json;
  real = (await admin.post("/api/v1/incidents", { title: "Storm i norr", severity: "major" })).json;
});
afterAll(() => hub.close());

const fieldsOf = (json: { error?: { fields?: { field: string }[] } } | null) =>
  (json?.error?.fields ?? []).map((f) => f.field);

async function writesNothing(request: () => Promise<{ status: number; json: unknown }>) {
  const before = await countRows(hub.deps.db);
  const res = await request();
  expect(await countRows(hub.deps.db)).toEqual(before);
  return res;
}

describe("bad input to exercise mode", () => {
  test.each([["ja"], [1], [null], [{}]])(
    "exercise: %j is 400 naming the field, and nothing is opened",
    async (value) => {
      const res = await writesNothing(() =>
        api(hub, hub.token).post("/api/v1/incidents", { title: "Övning: brand", severity: "major", exercise: value }),
      );
      expect(res.status).toBe(400);
      expect(fieldsOf(res.json as never)).toEqual(["exercise"]);
    },
  );

  test("turning an exercise real among other changes is 409 exercise_fixed, and nothing changes", async () => {
    const res = await writesNothing(() =>
      api(hub, hub.token).patch(`/api/v1/incidents/${exercise.id}`, { title: "Storm på riktigt", exercise: false }),
    );
    expect(res.status).toBe(409);
    expect((res.json as { error: { code: string } }).error.code).toBe("exercise_fixed");
    const after = (await api(hub, hub.token).get(`/api/v1/incidents/${exercise.id}`)).json;
    expect(after).toMatchObject({ title: exercise.title, exercise: true });
  });

  test("a flag that is not a boolean on an edit is 400, not a change", async () => {
    const res = await writesNothing(() =>
      api(hub, hub.token).patch(`/api/v1/incidents/${real.id}`, { exercise: "true" }),
    );
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json as never)).toEqual(["exercise"]);
  });

  test("a reset with a non-UUID id is 400 naming it; an unknown one 404; a real incident 409", async () => {
    const admin = api(hub, hub.token);
    const malformed = await writesNothing(() => admin.post("/api/v1/incidents/nope/reset"));
    expect(malformed.status).toBe(400);
    expect(fieldsOf(malformed.json as never)).toEqual(["id"]);
    const unknown = await writesNothing(() =>
      admin.post("/api/v1/incidents/00000000-0000-4000-8000-000000000000/reset"),
    );
    expect(unknown.status).toBe(404);
    const notExercise = await writesNothing(() => admin.post(`/api/v1/incidents/${real.id}/reset`));
    expect(notExercise.status).toBe(409);
    expect((notExercise.json as { error: { code: string } }).error.code).toBe("incident_not_exercise");
  });

  test("an account's exercise flag must be a boolean (setting it at all is account.manage: admins, see the matrix)", async () => {
    const account = await addAccount(hub, { departmentId: null });
    const bad = await writesNothing(() =>
      api(hub, hub.token).patch(`/api/v1/accounts/${account.id}`, { exercise: "ja" }),
    );
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.json as never)).toEqual(["exercise"]);
  });

  test("a target list of real accounts only publishes nowhere but the website, and says why for each", async () => {
    const first = await addAccount(hub, { departmentId: null });
    const second = await addAccount(hub, { departmentId: null });
    const res = await api(hub, hub.token).post(`/api/v1/incidents/${exercise.id}/updates`, {
      body: "Stormen drar in (övning).",
      targets: [first.id, second.id],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.deliveries).toEqual([]);
    expect(res.json.leftOut.map((l: { accountId: string; code: string }) => [l.accountId, l.code]).sort()).toEqual(
      [
        [first.id, "exercise_account_required"],
        [second.id, "exercise_account_required"],
      ].sort(),
    );
  });
});
