// CAP references are capped (the original alert and the 99 most recent messages) so that an
// incident with thousands of updates does not grow quadratically; a capped message says so in
// its <note>, with the number of earlier messages and where the full chain is, and still
// validates against the CAP 1.2 schema.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import {
  type CapUpdate,
  capMessageOf,
  MAX_REFERENCES,
  rememberMessage,
  renderCapAlert,
  startCapChain,
} from "../../src/archive/cap";

const CAP_SCHEMA = new URL("./cap12.xsd", import.meta.url).pathname;
const XMLLINT = spawnSync("which", ["xmllint"]).status === 0 || Boolean(process.env.CI);
const incident = { id: "0b7c2a7e-1d1f-4c39-9a51-3b0f8d0c0001", title: "Storm", severity: "major" as const, areas: [] };
const context = { sender: "kris.exempel.se", senderName: "Exempelkommun", web: "https://kris.exempel.se/x" };
const start = Date.parse("2026-11-21T13:05:00Z");

function updateNo(n: number): CapUpdate {
  const at = new Date(start + n * 60_000);
  return {
    id: `0b7c2a7e-1d1f-4c39-9a51-${String(n).padStart(12, "0")}`,
    number: n,
    kind: "update",
    body: `Uppdatering ${n}`,
    publishedAt: at,
    createdAt: at,
    revision: 1,
    editedAt: null,
    withdrawnAt: null,
    withdrawnReason: null,
  };
}

/** The CAP messages of an incident with `count` updates, rendered as the export renders them. */
function renderIncident(count: number): string[] {
  const chain = startCapChain();
  const out: string[] = [];
  for (let n = 1; n <= count; n++) {
    out.push(renderCapAlert(incident, updateNo(n), chain, context));
    rememberMessage(chain, capMessageOf(updateNo(n), context.sender));
  }
  return out;
}

const referencesOf = (xml: string) =>
  (/<references>([^<]*)<\/references>/.exec(xml)?.[1] ?? "").split(" ").filter(Boolean);
const noteOf = (xml: string) => /<note>([^<]*)<\/note>/.exec(xml)?.[1] ?? null;

test("up to the cap every earlier message is referenced and there is no note", () => {
  const messages = renderIncident(MAX_REFERENCES + 1);
  const last = messages[MAX_REFERENCES];
  expect(referencesOf(last)).toHaveLength(MAX_REFERENCES);
  expect(noteOf(last)).toBeNull();
  expect(noteOf(messages[0])).toBeNull();
});

test("past the cap the references keep the original and the most recent, and the note says how many exist", () => {
  const messages = renderIncident(250);
  const last = messages[249];
  const refs = referencesOf(last);
  expect(refs).toHaveLength(MAX_REFERENCES);
  expect(refs[0]).toBe(`kris.exempel.se,urn:uuid:${updateNo(1).id},2026-11-21T14:06:00+01:00`);
  expect(refs.slice(1).map((r) => r.split(",")[1])).toEqual(
    Array.from({ length: MAX_REFERENCES - 1 }, (_, i) => `urn:uuid:${updateNo(151 + i).id}`),
  );
  const note = noteOf(last);
  expect(note).toContain("föregås av 249 tidigare meddelanden");
  expect(note).toContain(`det första och de ${MAX_REFERENCES - 1} senaste`);
  expect(note).toContain("representations/csv/data/updates.csv");
  // The first message over the cap is the first to carry the note.
  expect(noteOf(messages[MAX_REFERENCES + 1])).toContain(`föregås av ${MAX_REFERENCES + 1} tidigare`);
  expect(noteOf(messages[MAX_REFERENCES])).toBeNull();
});

test.skipIf(!XMLLINT)("a capped message with its note validates against the CAP 1.2 schema", () => {
  const dir = mkdtempSync(join(tmpdir(), "kk-cap-note-"));
  try {
    const path = join(dir, "capped.xml");
    writeFileSync(path, renderIncident(120)[119]);
    const run = spawnSync("xmllint", ["--noout", "--schema", CAP_SCHEMA, path], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
