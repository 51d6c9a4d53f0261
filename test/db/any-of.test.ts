// The id lists the archive's report sends as one array parameter: every text arrives as itself,
// those that need quoting (a quote, a backslash, a comma, a brace, a space, the word NULL) too.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { arrayLiteral } from "../../src/db/any-of";
import { rowsOf } from "../../src/db/client";
import { startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub?.close());

const roundTrip = async (values: string[]) =>
  rowsOf<{ v: string | null }>(await hub.deps.db.execute(sql`select unnest(${arrayLiteral(values)}::text[]) as v`)).map(
    (r) => r.v,
  );

test("ids go bare, and come back as they went", async () => {
  const ids = ["6f1c1e9e-0000-4000-8000-000000000000", "abc-123"];
  expect(arrayLiteral(ids)).toBe("{6f1c1e9e-0000-4000-8000-000000000000,abc-123}");
  expect(await roundTrip(ids)).toEqual(ids);
  expect(await roundTrip([])).toEqual([]);
});

test("any other text is quoted, so it is never split, unescaped or read as a null", async () => {
  const awkward = ['a"b', "c\\d", "e,f", "{g}", "h i", "NULL", "null", "", "Å ä"];
  expect(await roundTrip(awkward)).toEqual(awkward);
});
