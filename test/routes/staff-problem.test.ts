// Every message a person can meet on a staff page is Swedish: a refusal's own words by its code,
// the validator's English never.
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import type { AppEnv } from "../../src/deps";
import { ConflictError, UnprocessableError } from "../../src/errors";
import { toSwedishErrors } from "../../src/routes/staff/form";
import { renderStaffError } from "../../src/routes/staff/problem";
import { startTestHub, type TestHub } from "../helpers/hub";
import { textOf } from "./staff-browser";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

function failingApp(error: Error) {
  return new Hono<AppEnv>()
    .get("/x", () => {
      throw error;
    })
    .onError(renderStaffError);
}

describe("staff error pages", () => {
  test("a conflict gives its own Swedish words, not the page's general ones", async () => {
    const res = await failingApp(new ConflictError("incident_resolved", "English wording.")).request(
      "/x",
      {},
      { deps: hub.deps },
    );
    expect(res.status).toBe(409);
    const text = textOf(await res.text());
    expect(text).toContain("Händelsen är avslutad");
    expect(text).not.toContain("English wording");
  });

  test("a 422 is its own page, not 'something went wrong on our side'", async () => {
    const res = await failingApp(new UnprocessableError("personnummer_found", "Contains a personnummer.")).request(
      "/x",
      {},
      { deps: hub.deps },
    );
    expect(res.status).toBe(422);
    const text = textOf(await res.text());
    expect(text).not.toContain("Något gick fel hos oss");
    expect(text).not.toContain("Contains a personnummer");
  });
});

describe("field messages", () => {
  test("a field no page names gets plain Swedish, never the validator's English", () => {
    const parsed = z.object({ colour: z.string().min(3) }).safeParse({ colour: "x" });
    const errors = toSwedishErrors(parsed.error, {}, "colour");
    expect(errors).toHaveLength(1);
    expect(errors?.[0].message).toMatch(/^Uppgiften går inte att spara/);
    expect(errors?.[0].message).not.toMatch(/Too small|must|expected/i);
  });
});
