// The archive's CAP message of a translated update: one <info> per language, Swedish (sv-SE)
// first, the headline in the language when the hub has words for it, and schema-valid.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { type CapUpdate, capTranslationOf, renderCapAlert, startCapChain } from "../../src/archive/cap";

const CAP_SCHEMA = new URL("./cap12.xsd", import.meta.url).pathname;
const XMLLINT = spawnSync("which", ["xmllint"]).status === 0 || Boolean(process.env.CI);
const incident = { id: "0b7c2a7e-1d1f-4c39-9a51-3b0f8d0c0001", title: "Storm", severity: "major" as const, areas: [] };
const context = { sender: "kris.exempel.se", senderName: "Exempelkommun", web: "https://kris.exempel.se/x" };
const at = new Date("2026-11-21T13:05:00Z");
const update: CapUpdate = {
  id: "0b7c2a7e-1d1f-4c39-9a51-000000000001",
  number: 1,
  kind: "update",
  body: "Håll dig inomhus.",
  publishedAt: at,
  createdAt: at,
  revision: 1,
  editedAt: null,
  withdrawnAt: null,
  withdrawnReason: null,
};
const translations = [
  { language: "en", body: "Stay indoors." },
  { language: "ar", body: "ابقوا في منازلكم." },
  { language: "pl", body: "Zostań w domu." },
].map((t) => capTranslationOf(incident, update, t));

const xml = renderCapAlert(incident, { ...update, translations }, startCapChain(), context);
const infos = [...xml.matchAll(/<info>([\s\S]*?)<\/info>/g)].map((m) => m[1]);
const field = (info: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(info)?.[1];

test("one <info> per language, Swedish first, each saying its language", () => {
  expect(infos.map((i) => field(i, "language"))).toEqual(["sv-SE", "en", "ar", "pl"]);
  expect(infos.map((i) => field(i, "description"))).toEqual([
    "Håll dig inomhus.",
    "Stay indoors.",
    "ابقوا في منازلكم.",
    "Zostań w domu.",
  ]);
  expect(field(infos[1], "headline")).toBe("Storm – Update 1");
  expect(field(infos[2], "headline")).toBe("Storm – التحديث 1");
  // No Polish words in the hub: the Swedish headline, not an English one under a Polish tag.
  expect(field(infos[3], "headline")).toBe("Storm – uppdatering 1");
});

test.skipIf(!XMLLINT)("validates against the CAP 1.2 schema", () => {
  const dir = mkdtempSync(join(tmpdir(), "kk-cap-lang-"));
  try {
    const file = join(dir, "message.xml");
    writeFileSync(file, xml);
    const run = spawnSync("xmllint", ["--noout", "--schema", CAP_SCHEMA, file], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
