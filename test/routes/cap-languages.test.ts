import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { expectValidCap, HAVE_XMLLINT } from "../helpers/cap-schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { offerLanguages, writeTranslation } from "../helpers/languages";
import { must } from "../helpers/must";

const PUBLIC = "https://kris.exempel.se";
const MINUTE = 60_000;

let hub: TestHub;
let incident: { id: string; slug: string };
const ids: Record<string, string> = {};

const get = (path: string) => hub.app.request(path, {}, { deps: hub.deps });
const text = async (path: string) => {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return res.text();
};
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === "info" });
interface Info {
  language: string;
  headline: string;
  description: string;
  web: string;
  instruction?: string;
}
const alertOf = (xml: string) => parser.parse(xml).alert as { identifier: string; msgType: string; info: Info[] };
const capPath = (n: number) => `/incidents/${incident.slug}/updates/${n}/cap.xml`;

beforeAll(async () => {
  hub = await startTestHub();
  const a = api(hub, hub.token);
  await offerLanguages(hub, ["sv", "en", "ar", "sv-x-lattlast"]);
  incident = (await a.post("/api/v1/incidents", { title: "Brand i industriområdet", severity: "major" })).json;
  hub.clock.advance(MINUTE);
  const first = await a.post(`/api/v1/incidents/${incident.id}/updates`, {
    body: "Stäng fönster och dörrar.",
    instruction: "Stäng fönster och ventilation.",
  });
  expect(first.status, first.text).toBe(201);
  ids.first = first.json.id;
  // Written with the publish (same moment): part of the first message, not a message of its own.
  await writeTranslation(hub, ids.first, "en", "Close windows and doors.");
  await writeTranslation(hub, ids.first, "ar", "أغلقوا النوافذ والأبواب.");
  hub.clock.advance(MINUTE);
  ids.second = (await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Röken har minskat." })).json.id;
});
afterAll(() => hub.close());

describe("CAP per language", () => {
  test("one <info> per language the update exists in, Swedish first, each with its own language and page", async () => {
    const alert = alertOf(await text(capPath(1)));
    expect(alert.msgType).toBe("Alert");
    expect(alert.identifier).toBe(`urn:uuid:${ids.first}`);
    expect(alert.info.map((i) => i.language)).toEqual(["sv-SE", "ar", "en"]);
    const [sv, ar, en] = alert.info;
    expect(sv.description).toBe("Stäng fönster och dörrar.");
    expect(sv.instruction).toBe("Stäng fönster och ventilation.");
    expect(en.description).toBe("Close windows and doors.");
    expect(en.headline).toBe("Brand i industriområdet – Update 1");
    expect(en.web).toBe(`${PUBLIC}/en/incidents/${incident.slug}/updates/1`);
    expect(ar.description).toBe("أغلقوا النوافذ والأبواب.");
    expect(ar.web).toBe(`${PUBLIC}/ar/incidents/${incident.slug}/updates/1`);
    // The instruction is written in Swedish only; it is not passed off as another language.
    expect(en.instruction).toBeUndefined();
  });

  test("an update without translations has its Swedish <info> only", async () => {
    const alert = alertOf(await text(capPath(2)));
    expect(alert.info.map((i) => i.language)).toEqual(["sv-SE"]);
  });

  test("a translation added later is a new Update message, listed in the index in place of the old one", async () => {
    const before = alertOf(await text(capPath(2)));
    hub.clock.advance(MINUTE);
    await writeTranslation(hub, ids.second, "sv-x-lattlast", "Det kommer mindre rök nu.");
    const after = alertOf(await text(capPath(2)));
    expect(after.identifier).not.toBe(before.identifier);
    expect(after.msgType).toBe("Update");
    expect(after.info.map((i) => i.language)).toEqual(["sv-SE", "sv-x-lattlast"]);
    const xml = await text(capPath(2));
    expect(xml).toContain(`kris.exempel.se,${before.identifier},`);
    const index = await text("/cap.atom");
    expect(index).toContain(after.identifier);
    expect(index).not.toContain(`<id>${before.identifier}</id>`);
  });

  test("closing without an all-clear says it is over in every language the incident was translated into", async () => {
    hub.clock.advance(MINUTE);
    expect((await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/close`)).status).toBe(200);
    const closed = alertOf(await text(`/incidents/${incident.slug}/cap-closed.xml`));
    expect(closed.info.map((i) => i.language)).toEqual(["sv-SE", "ar", "en", "sv-x-lattlast"]);
    const en = must(
      closed.info.find((i) => i.language === "en"),
      "the English info",
    );
    expect(en.headline).toBe("Brand i industriområdet – ended");
    expect(en.description).toMatch(
      /^The incident Brand i industriområdet ended \d{1,2} [A-Z][a-z]+ 2026 at \d\d:\d\d\./,
    );
    expect(en.web).toBe(`${PUBLIC}/en/incidents/${incident.slug}`);
  });

  test.skipIf(!HAVE_XMLLINT)("every message of the multi-language incident validates against the CAP 1.2 schema", () =>
    validateAll([capPath(1), capPath(2), `/incidents/${incident.slug}/cap-closed.xml`]),
  );
});

function validateAll(paths: string[]) {
  return expectValidCap(paths.map((path) => ({ name: path, xml: () => text(path) })));
}
