// What alerting systems need to act on a CAP message: when it expires, where it applies (SCB
// codes and a polygon), what to do, and how urgent; and that closing an incident without an
// all-clear still tells them it is over.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stockholmTime } from "../../src/archive/xml";
import { api, startTestHub, type TestHub } from "../helpers/hub";

const CAP_SCHEMA = new URL("../archive/cap12.xsd", import.meta.url).pathname;
const XMLLINT = spawnSync("which", ["xmllint"]).status === 0 || Boolean(process.env.CI);
const HOUR = 3_600_000;
const RING = [
  [59.33, 18.05],
  [59.34, 18.1],
  [59.3, 18.12],
  [59.33, 18.05],
];

let hub: TestHub;
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === "area" || name === "geocode" });
const alertOf = (xml: string) => parser.parse(xml).alert;

const get = (path: string) => hub.app.request(path, {}, { deps: hub.deps });
async function text(path: string) {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return res.text();
}
const a = () => api(hub, hub.token);

async function openIncident(body: Record<string, unknown>) {
  const res = await a().post("/api/v1/incidents", body);
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; slug: string };
}
async function postUpdate(incidentId: string, body: Record<string, unknown>) {
  hub.clock.advance(60_000);
  const res = await a().post(`/api/v1/incidents/${incidentId}/updates`, body);
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string };
}

function validate(name: string, xml: string) {
  if (!XMLLINT) return;
  const dir = mkdtempSync(join(tmpdir(), "kk-cap-fields-"));
  try {
    const file = join(dir, "m.xml");
    writeFileSync(file, xml);
    const run = spawnSync("xmllint", ["--noout", "--schema", CAP_SCHEMA, file], { encoding: "utf8" });
    expect(run.status, `${name}: ${run.stderr}`).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function indexHrefs(): Promise<string[]> {
  const xml = await text("/cap.atom");
  return [...xml.matchAll(/type="application\/cap\+xml" href="([^"]+)"/g)].map((m) => m[1]);
}

beforeAll(async () => {
  hub = await startTestHub();
  const res = await a().patch("/api/v1/organisation", { contactLines: ["Kommunens växel 08-123 45 67"] });
  expect(res.status, res.text).toBe(200);
});
afterAll(() => hub.close());

describe("CAP fields", () => {
  test("geocodes, polygon, expected end, chosen values and instruction are in a valid message", async () => {
    const expectedEnd = new Date(hub.clock.now().getTime() + 5 * HOUR);
    const incident = await openIncident({
      title: "Brand i industribyggnad",
      severity: "major",
      areas: ["Norra industriområdet"],
      areaCodes: ["0180", "01"],
      polygon: RING,
      expectedEnd: expectedEnd.toISOString(),
      cap: { category: "Fire" },
    });
    await postUpdate(incident.id, {
      body: "Kraftig rök från en brand.",
      instruction: "Stäng fönster och ventilation",
      cap: { responseType: "Shelter" },
    });
    const xml = await text(`/incidents/${incident.slug}/updates/1/cap.xml`);
    validate("update 1", xml);
    const info = alertOf(xml).info;
    expect(info).toMatchObject({
      category: "Fire",
      responseType: "Shelter",
      urgency: "Immediate",
      severity: "Severe",
      certainty: "Observed",
      instruction: "Stäng fönster och ventilation",
      contact: "Kommunens växel 08-123 45 67",
      expires: stockholmTime(expectedEnd),
    });
    expect(info.area).toEqual([
      { areaDesc: "Norra industriområdet", polygon: "59.33,18.05 59.34,18.1 59.3,18.12 59.33,18.05" },
      { areaDesc: "Stockholm", geocode: [{ valueName: "SCB", value: "0180" }] },
      { areaDesc: "Stockholms län", geocode: [{ valueName: "SCB", value: "01" }] },
    ]);
  });

  test("without an expected end a message expires after the default window, renewed by each update", async () => {
    const incident = await openIncident({ title: "Vattenläcka", severity: "info", areaCodes: ["1480"] });
    await postUpdate(incident.id, { body: "Vattnet är avstängt." });
    const firstSent = hub.clock.now();
    hub.clock.advance(2 * HOUR);
    await postUpdate(incident.id, { body: "Tankbil på plats." });
    const secondSent = hub.clock.now();
    const first = alertOf(await text(`/incidents/${incident.slug}/updates/1/cap.xml`)).info;
    const second = alertOf(await text(`/incidents/${incident.slug}/updates/2/cap.xml`)).info;
    expect(first.expires).toBe(stockholmTime(new Date(firstSent.getTime() + 24 * HOUR)));
    expect(second.expires).toBe(stockholmTime(new Date(secondSent.getTime() + 24 * HOUR)));
    // Defaults follow the severity: an info incident is Expected and Minor.
    expect(first).toMatchObject({ urgency: "Expected", severity: "Minor", responseType: "None" });
    expect(first).not.toHaveProperty("instruction");
    expect(first.area).toEqual([{ areaDesc: "Göteborg", geocode: [{ valueName: "SCB", value: "1480" }] }]);
  });

  test("unknown area codes and bad polygons are 400 naming them, and nothing is written", async () => {
    const before = (await a().get("/api/v1/incidents")).json.incidents.length;
    const badCode = await a().post("/api/v1/incidents", {
      title: "Fel kod",
      severity: "minor",
      areaCodes: ["0180", "9999"],
    });
    expect(badCode.status).toBe(400);
    expect(badCode.json.error.fields).toEqual([
      expect.objectContaining({
        field: "areaCodes.1",
        code: "area_code_unknown",
        message: expect.stringContaining("9999"),
      }),
    ]);
    const open = await a().post("/api/v1/incidents", {
      title: "Öppen polygon",
      severity: "minor",
      polygon: RING.slice(0, 3).concat([[59.0, 18.0]]),
    });
    expect(open.status).toBe(400);
    expect(open.json.error.fields).toEqual([expect.objectContaining({ field: "polygon", code: "polygon_not_closed" })]);
    const outside = await a().post("/api/v1/incidents", {
      title: "Fel koordinat",
      severity: "minor",
      polygon: [
        [95, 18],
        [59, 18],
        [59, 19],
        [95, 18],
      ],
    });
    expect(outside.status).toBe(400);
    expect(outside.json.error.fields[0].field).toMatch(/^polygon\./);
    const short = await a().post("/api/v1/incidents", {
      title: "Kort ring",
      severity: "minor",
      polygon: RING.slice(0, 2),
    });
    expect(short.status).toBe(400);
    expect((await a().get("/api/v1/incidents")).json.incidents).toHaveLength(before);

    const incident = await openIncident({ title: "Ändras", severity: "minor" });
    const edit = await a().patch(`/api/v1/incidents/${incident.id}`, { areaCodes: ["0000"] });
    expect(edit.status).toBe(400);
    expect(edit.json.error.fields[0]).toMatchObject({ field: "areaCodes.0", code: "area_code_unknown" });
  });
});

describe("closing an incident", () => {
  test("without an all-clear issues a final AllClear Update referencing every message, listed until it expires", async () => {
    const incident = await openIncident({ title: "Gasläcka", severity: "critical", areaCodes: ["1280"] });
    const update = await postUpdate(incident.id, { body: "Håll er inomhus." });
    const closedPath = `/incidents/${incident.slug}/cap-closed.xml`;
    expect((await get(closedPath)).status).toBe(404);
    hub.clock.advance(60_000);
    expect((await a().post(`/api/v1/incidents/${incident.id}/close`)).status).toBe(200);
    const closedAt = hub.clock.now();

    const xml = await text(closedPath);
    validate("closing message", xml);
    const closing = alertOf(xml);
    expect(closing.msgType).toBe("Update");
    expect(closing.references).toContain(`,urn:uuid:${update.id},`);
    expect(closing.info).toMatchObject({
      responseType: "AllClear",
      urgency: "Past",
      severity: "Minor",
      expires: stockholmTime(new Date(closedAt.getTime() + 6 * HOUR)),
    });
    expect(closing.info.area).toEqual([{ areaDesc: "Malmö", geocode: [{ valueName: "SCB", value: "1280" }] }]);
    // The same message on every render: alerting systems dedupe by identifier.
    expect(alertOf(await text(closedPath)).identifier).toBe(closing.identifier);

    const hrefs = await indexHrefs();
    expect(hrefs[0]).toBe(`https://kris.exempel.se${closedPath}`);
    expect(hrefs).toContain(`https://kris.exempel.se/incidents/${incident.slug}/updates/1/cap.xml`);

    // Expired messages leave the index: the closing one after six hours, the update after 24.
    hub.clock.advance(6 * HOUR);
    const later = await indexHrefs();
    expect(later).not.toContain(`https://kris.exempel.se${closedPath}`);
    expect(later).toContain(`https://kris.exempel.se/incidents/${incident.slug}/updates/1/cap.xml`);
    hub.clock.advance(18 * HOUR);
    expect(await indexHrefs()).not.toContain(`https://kris.exempel.se/incidents/${incident.slug}/updates/1/cap.xml`);
    // The message itself stays served.
    expect((await get(closedPath)).status).toBe(200);
  });

  test("with an all-clear issues no closing message", async () => {
    const incident = await openIncident({ title: "Strömavbrott", severity: "minor" });
    await postUpdate(incident.id, { body: "Strömmen är borta." });
    await postUpdate(incident.id, { body: "Strömmen är tillbaka.", kind: "all_clear" });
    expect((await a().post(`/api/v1/incidents/${incident.id}/close`)).status).toBe(200);
    expect((await get(`/incidents/${incident.slug}/cap-closed.xml`)).status).toBe(404);
    const allClear = alertOf(await text(`/incidents/${incident.slug}/updates/2/cap.xml`));
    validate("all-clear", `${await text(`/incidents/${incident.slug}/updates/2/cap.xml`)}`);
    expect(allClear.info).toMatchObject({ responseType: "AllClear", urgency: "Past" });
  });
});
