// The deliveries register written by the database must be byte for byte what the JavaScript
// writers (canonicalRecordWriter, csvLines) make of the same rows: text that needs escaping in
// JSON or quoting in CSV, NULLs, microsecond timestamps, an update-less farewell, and batches.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { canonicalRecordWriter } from "../../../src/archive/canonical-record";
import { csvLines, csvRow } from "../../../src/archive/csv";
import { deliveries } from "../../../src/db/schema";
import { requireIncident } from "../../../src/domain/publishing/incidents";
import { type ExportScope, REGISTERS, type Register } from "../../../src/domain/records/archive-registers";
import { csvLineSql, jsonRecordSql } from "../../../src/domain/records/register-sql";
import { addAccount } from "../../archive/records-fixtures";
import { api, startTestHub, type TestHub } from "../../helpers/hub";

let hub: TestHub;
let scope: ExportScope;
const register = REGISTERS.find((r) => r.name === "deliveries") as Register;

const AWKWARD = [
  'citat "så här", och komma',
  "rad ett\r\nrad två\nrad tre\rslut",
  "tabb\tbackslash\\ snedstreck/ \b\f \u0001\u001f\u007f",
  "åäö ÅÄÖ € 😀 \u2028\u2029 <&>",
  "",
  " blanksteg ",
];

beforeAll(async () => {
  hub = await startTestHub();
  const admin = api(hub, hub.token);
  const account = await addAccount(hub, { platform: "mastodon", handle: 'konto,"ett"' });
  const other = await addAccount(hub, { platform: "bluesky", handle: "två" });
  const incident = (await admin.post("/api/v1/incidents", { title: "Storm", severity: "major" })).json;
  for (let i = 0; i < 3; i++) {
    await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body: `Uppdatering ${i}` });
  }
  const updates = (await admin.get(`/api/v1/incidents/${incident.id}`)).json.updates as { id: string }[];
  let n = 0;
  for (const update of updates) {
    for (const [i, text] of AWKWARD.entries()) {
      n++;
      await hub.deps.db.insert(deliveries).values({
        updateId: update.id,
        accountId: i % 2 ? account.id : other.id,
        kind: "publish",
        status: i % 3 ? "published" : "failed",
        attempts: i,
        borrowed: i === 2,
        nextAttemptAt: hub.clock.now(),
        remoteId: i % 2 ? text : null,
        remoteUrl: i % 2 ? null : `https://x.example/${n}`,
        sentText: text,
        failureClass: i % 3 ? null : "invalid",
        message: i % 3 ? null : text,
        createdAt: hub.clock.now(),
        updatedAt: hub.clock.now(),
        publishedAt: i % 3 ? hub.clock.now() : null,
      });
    }
  }
  // Microseconds the JavaScript Date drops: the database must drop them the same way.
  await hub.deps.db.execute(
    sql`update deliveries set created_at = created_at + interval '123.987 milliseconds', updated_at = updated_at + interval '0.999 milliseconds'`,
  );
  // A farewell belongs to no update; an organisation export has it by time.
  await hub.deps.db.insert(deliveries).values({
    updateId: null,
    accountId: account.id,
    kind: "farewell",
    status: "published",
    nextAttemptAt: hub.clock.now(),
    sentText: "Kontot stängs, följ oss här i stället.",
    createdAt: hub.clock.now(),
    updatedAt: hub.clock.now(),
  });
  const day = 86_400_000;
  const now = hub.clock.now().getTime();
  scope = {
    incidents: [await requireIncident(hub.deps.db, incident.id)],
    period: { from: new Date(now - day), to: new Date(now + day) },
    publicUrl: "https://kris.exempel.se",
  };
});
afterAll(() => hub.close());

async function javascriptJson() {
  const record = canonicalRecordWriter(register.columns);
  const records: string[] = [];
  for await (const page of register.rows(hub.deps.db, scope)) for (const row of page) records.push(record(row));
  return `[${records.join(",")}]`;
}

async function databaseJson() {
  const inDatabase = register.inDatabase;
  if (!inDatabase) throw new Error("the deliveries register is not written by the database");
  const lines: string[] = [];
  for await (const batch of inDatabase.batches(hub.deps.db, scope, (s) => jsonRecordSql(inDatabase.columns(s))))
    lines.push(...batch);
  return `[${lines.join(",")}]`;
}

async function join(chunks: AsyncIterable<string>) {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

test("the database writes the same canonical JSON records as JavaScript", async () => {
  const expected = await javascriptJson();
  expect(JSON.parse(expected).length).toBeGreaterThan(3 * AWKWARD.length);
  expect(await databaseJson()).toBe(expected);
});

test("the database writes the same CSV lines as JavaScript", async () => {
  const inDatabase = register.inDatabase;
  if (!inDatabase) throw new Error("the deliveries register is not written by the database");
  const expected = await join(csvLines(register.columns, register.rows(hub.deps.db, scope)));
  const header = csvRow(register.columns.map((c) => c.header));
  let body = "";
  for await (const batch of inDatabase.batches(hub.deps.db, scope, (s) => csvLineSql(inDatabase.columns(s))))
    body += batch.join("");
  expect(header + body).toBe(expected);
});

test("its columns are the register's columns, in order", () => {
  expect(register.inDatabase?.columns("x").map((c) => c.header)).toEqual(register.columns.map((c) => c.header));
});
