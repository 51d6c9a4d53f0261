// The staff forms' fields for alerting systems: the incident form picks counties and
// municipalities by SCB code, a polygon, the expected end and CAP values with their defaults
// shown; the compose form takes the instruction. What is chosen reaches the CAP message.
import { eq } from "drizzle-orm";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { incidents, updates } from "../../src/db/schema";
import { startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";
let hub: TestHub;
let anna: StaffBrowser;

beforeAll(async () => {
  hub = await startTestHub();
  const communicator = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  anna = await signInStaff(hub, communicator.email, PASSWORD);
});
afterAll(() => hub.close());

async function incidentRow(id: string) {
  const [row] = await hub.deps.db.select().from(incidents).where(eq(incidents.id, id));
  return row;
}

describe("the incident form's CAP fields", () => {
  test("lists every county and municipality and shows each CAP value's default by severity", async () => {
    const { html } = await anna.get("/staff/incidents/new");
    expect(html).toContain('<select id="areaCodes" name="areaCodes" multiple');
    expect(html.match(/<option value="\d{4}"/g)).toHaveLength(290);
    expect(html.match(/<option value="\d{2}"/g)).toHaveLength(21);
    expect(html).toContain('<option value="1480">Göteborg (1480)</option>');
    expect(html).toContain(
      "Standard efter allvarlighetsgrad: Infra (information, mindre störning, allvarlig störning); Safety (mycket allvarlig störning).",
    );
    expect(html).toContain('name="cap.responseType"');
    expect(html).toContain('<input id="expectedEnd" name="expectedEnd" type="datetime-local"');
  });

  test("what is picked is stored, shown again on the edit page, and reaches the CAP message with the instruction", async () => {
    const opened = await anna.post("/staff/incidents", {
      title: "Rökutveckling vid hamnen",
      severity: "major",
      areaCodes: ["1480", "14"],
      polygon: "57.7,11.9 57.71,11.95 57.69,11.96 57.7,11.9",
      expectedEnd: "2026-12-24T18:00",
      "cap.category": "Fire",
      "cap.responseType": "",
    });
    expect(opened.status).toBe(303);
    const id = must(/\/staff\/incidents\/([0-9a-f-]{36})\//.exec(opened.location ?? ""), "the id in the redirect")[1];
    const row = await incidentRow(id);
    expect(row.areaCodes).toEqual(["1480", "14"]);
    expect(row.polygon).toEqual([
      [57.7, 11.9],
      [57.71, 11.95],
      [57.69, 11.96],
      [57.7, 11.9],
    ]);
    // Swedish winter time is UTC+1.
    expect(row.expectedEnd?.toISOString()).toBe("2026-12-24T17:00:00.000Z");
    expect(row.cap).toEqual({ category: "Fire" });

    const edit = await anna.get(`/staff/incidents/${id}/edit`);
    expect(edit.html).toContain('<option value="1480" selected>');
    expect(edit.html).toContain('<option value="14" selected>');
    expect(edit.html).toContain('value="2026-12-24T18:00"');
    expect(edit.html).toContain('<option value="Fire" selected>');

    await anna.get(`/staff/incidents/${id}/updates/new`);
    const published = await anna.post(`/staff/incidents/${id}/updates`, {
      action: "publish",
      kind: "update",
      body: "Kraftig rök över hamnen.",
      instruction: "Stäng fönster och ventilation",
    });
    expect(published.status).toBe(303);
    const [update] = await hub.deps.db.select().from(updates).where(eq(updates.incidentId, id));
    expect(update.instruction).toBe("Stäng fönster och ventilation");
    const res = await hub.app.request(`/incidents/${row.slug}/updates/1/cap.xml`, {}, { deps: hub.deps });
    const info = new XMLParser({ parseTagValue: false }).parse(await res.text()).alert.info;
    expect(info).toMatchObject({
      category: "Fire",
      instruction: "Stäng fönster och ventilation",
      responseType: "Monitor",
    });
  });

  test("an unknown code or an open polygon shows the error at its field and stores nothing", async () => {
    const before = (await hub.deps.db.select().from(incidents)).length;
    const bad = await anna.post("/staff/incidents", {
      title: "Felaktigt område",
      severity: "minor",
      areaCodes: ["9999"],
      polygon: "57.7,11.9 57.71,11.95 57.69,11.96 57.6,11.9",
    });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('id="areaCodes-fel"');
    expect(bad.html).toContain('id="polygon-fel"');
    expect((await hub.deps.db.select().from(incidents)).length).toBe(before);
  });
});
