import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { changedPublicPaths } from "../../src/routes/public/changed-paths";
import { expectValidCap, HAVE_XMLLINT } from "../helpers/cap-schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

const PUBLIC = "https://kris.exempel.se";
const SCRIPT = '<script>alert("x")</script>';
const MINUTE = 60_000;

let hub: TestHub;
let incident: { id: string; slug: string };
let old: { id: string; slug: string };
const ids: Record<string, string> = {};
/** Update 1's message as served before anything else happened in the incident. */
let firstServed: string;

const get = (path: string, headers: Record<string, string> = {}) =>
  hub.app.request(path, { headers }, { deps: hub.deps });
const text = async (path: string) => {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return res.text();
};
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });
const alertOf = (xml: string) => parser.parse(xml).alert;
const capPath = (n: number, slug = incident.slug) => `/incidents/${slug}/updates/${n}/cap.xml`;
const cancelPath = (n: number) => `/incidents/${incident.slug}/updates/${n}/cap-cancel.xml`;

beforeAll(async () => {
  hub = await startTestHub();
  const a = api(hub, hub.token);
  const post = async (incidentId: string, body: Record<string, unknown>) => {
    hub.clock.advance(MINUTE);
    const res = await a.post(`/api/v1/incidents/${incidentId}/updates`, body);
    expect(res.status, res.text).toBe(201);
    return res.json;
  };
  // Resolved eight days ago: out of the index, its message still served.
  old = (await a.post("/api/v1/incidents", { title: "Gammal händelse", severity: "minor" })).json;
  await post(old.id, { body: "Gammal uppdatering." });
  expect((await a.post(`/api/v1/incidents/${old.id}/close`)).status).toBe(200);
  hub.clock.advance(8 * 86_400_000);

  incident = (
    await a.post("/api/v1/incidents", { title: `Storm ${SCRIPT}`, severity: "major", areas: [SCRIPT, "Norra delen"] })
  ).json;
  ids.first = (await post(incident.id, { body: `Första. ${SCRIPT}` })).id;
  firstServed = await text(capPath(1));
  ids.second = (await post(incident.id, { body: "Andra." })).id;
  hub.clock.advance(MINUTE);
  expect((await a.patch(`/api/v1/updates/${ids.second}`, { body: "Andra, rättad.", reason: "Fel gata" })).status).toBe(
    200,
  );
  ids.withdrawn = (await post(incident.id, { body: "Fel uppgift." })).id;
  hub.clock.advance(MINUTE);
  expect((await a.post(`/api/v1/updates/${ids.withdrawn}/withdraw`, { reason: "Fel område" })).status).toBe(200);
  expect((await a.patch("/api/v1/organisation", { requireApproval: true })).status).toBe(200);
  const pending = await post(incident.id, { body: "Väntar på godkännande." });
  expect(pending.state).toBe("pending_approval");
  expect((await a.patch("/api/v1/organisation", { requireApproval: false })).status).toBe(200);
  ids.allClear = (await post(incident.id, { body: "Faran är över.", kind: "all_clear" })).id;
});
afterAll(() => hub.close());

/** The parts of the Atom index the tests read, as fast-xml-parser gives them. */
interface AtomLink {
  "@_rel"?: string;
  "@_type"?: string;
  "@_href"?: string;
}
interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  link: AtomLink | AtomLink[];
}
interface AtomFeed {
  "@_xmlns": string;
  id: string;
  updated: string;
  entry?: AtomEntry | AtomEntry[];
}

async function indexEntries() {
  const xml = await text("/cap.atom");
  expect(XMLValidator.validate(xml)).toBe(true);
  const feed: AtomFeed = parser.parse(xml).feed;
  const entries = feed.entry === undefined ? [] : Array.isArray(feed.entry) ? feed.entry : [feed.entry];
  const capLink = (e: AtomEntry) => {
    const links = Array.isArray(e.link) ? e.link : [e.link];
    return links.find((l) => l["@_rel"] === "alternate" && l["@_type"] === "application/cap+xml")?.["@_href"];
  };
  return {
    xml,
    feed,
    entries: entries.map((e) => ({
      id: e.id,
      title: e.title,
      updated: e.updated,
      href: must(capLink(e), `the CAP link of ${e.id}`),
    })),
  };
}

describe("CAP messages", () => {
  test("the first update is an Alert; later ones are Updates referencing every earlier message", async () => {
    const first = alertOf(await text(capPath(1)));
    expect(first).toMatchObject({
      identifier: `urn:uuid:${ids.first}`,
      sender: "kris.exempel.se",
      status: "Actual",
      msgType: "Alert",
      scope: "Public",
      incidents: `urn:uuid:${incident.id}`,
    });
    expect(first.references).toBeUndefined();
    expect(first.sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(first.info.web).toBe(`${PUBLIC}/incidents/${incident.slug}/updates/1`);
    expect(first.info.language).toBe("sv-SE");

    const allClear = alertOf(await text(capPath(5)));
    expect(allClear.msgType).toBe("Update");
    expect(allClear.info.responseType).toBe("AllClear");
    expect(allClear.info.expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    const references: string[] = allClear.references.split(" ");
    // Update 1, update 2 as published and as edited, update 3 and its Cancel; never the pending one.
    expect(references).toHaveLength(5);
    for (const triple of references) {
      expect(triple).toMatch(/^kris\.exempel\.se,urn:uuid:[0-9a-f-]{36},\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    }
    expect(references[0]).toBe(`kris.exempel.se,urn:uuid:${ids.first},${first.sent}`);
    expect(references.map((r) => r.split(",")[1])).toEqual(
      expect.arrayContaining([`urn:uuid:${ids.second}`, `urn:uuid:${ids.withdrawn}`]),
    );
  });

  test("a message already served never changes when the incident goes on", async () => {
    expect(await text(capPath(1))).toBe(firstServed);
  });

  test("an edit is issued as a new Update message that references the one it replaces", async () => {
    const edited = alertOf(await text(capPath(2)));
    expect(edited.msgType).toBe("Update");
    expect(edited.identifier).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(edited.identifier).not.toBe(`urn:uuid:${ids.second}`);
    expect(edited.info.description).toBe("Andra, rättad.");
    expect(edited.note).toContain("Fel gata");
    expect(edited.references).toContain(`urn:uuid:${ids.second},`);
    expect(edited.references).toContain(`urn:uuid:${ids.first},`);
  });

  test("a withdrawn update has no message, but a Cancel of exactly its messages", async () => {
    expect((await get(capPath(3))).status).toBe(404);
    const cancel = alertOf(await text(cancelPath(3)));
    expect(cancel.msgType).toBe("Cancel");
    expect(cancel.status).toBe("Actual");
    expect(cancel.info).toBeUndefined();
    expect(cancel.note).toContain("Fel område");
    expect(cancel.references.split(" ")).toEqual([expect.stringContaining(`,urn:uuid:${ids.withdrawn},`)]);
    expect(cancel.identifier).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Only a withdrawn update has a Cancel.
    expect((await get(cancelPath(1))).status).toBe(404);
  });

  test("updates awaiting approval, unknown updates and unknown incidents are 404", async () => {
    expect((await get(capPath(4))).status).toBe(404);
    expect((await get(cancelPath(4))).status).toBe(404);
    expect((await get(capPath(99))).status).toBe(404);
    expect((await get(capPath(1, "finns-inte"))).status).toBe(404);
    expect((await get(`/incidents/${incident.slug}/updates/1.0/cap.xml`)).status).toBe(404);
  });

  test.skipIf(!HAVE_XMLLINT)("every served message validates against the CAP 1.2 schema", async () => {
    const { entries } = await indexEntries();
    const paths = [...entries.map((e) => e.href.slice(PUBLIC.length)), capPath(1, old.slug)];
    expect(paths).toHaveLength(5);
    await expectValidCap(paths.map((path) => ({ name: path, xml: () => text(path) })));
  });

  test("messages are application/cap+xml with a strong ETag and answer 304", async () => {
    const res = await get(capPath(1));
    expect(res.headers.get("content-type")).toContain("application/cap+xml");
    const etag = must(res.headers.get("etag"), "an ETag");
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(res.headers.get("cache-control")).toBe(
      "public, max-age=30, stale-while-revalidate=60, stale-if-error=86400",
    );
    expect((await get(capPath(1), { "if-none-match": etag })).status).toBe(304);
  });

  test("user text is escaped in every message", async () => {
    for (const path of [capPath(1), capPath(5)]) {
      const xml = await text(path);
      expect(xml, path).not.toContain("<script>");
      expect(xml, path).toContain("&lt;script&gt;");
      expect(alertOf(xml).info.event).toBe(`Storm ${SCRIPT}`);
    }
  });
});

describe("CAP index", () => {
  test("parses as Atom and links to each current message, newest first, without withdrawn or waiting updates", async () => {
    const { feed, entries, xml } = await indexEntries();
    expect(feed["@_xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(feed.id).toBe(`${PUBLIC}/cap.atom`);
    expect(feed.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(entries.map((e) => e.href)).toEqual([
      PUBLIC + capPath(5),
      PUBLIC + cancelPath(3),
      PUBLIC + capPath(2),
      PUBLIC + capPath(1),
    ]);
    expect(xml).not.toContain(capPath(3));
    expect(xml).not.toContain("Gammal händelse");
    // Each entry is named by the CAP identifier of the message it links to.
    for (const e of entries) expect(e.id).toBe(alertOf(await text(e.href.slice(PUBLIC.length))).identifier);
    expect(xml).not.toContain("<script>");
    const res = await get("/cap.atom");
    expect(res.headers.get("content-type")).toContain("application/atom+xml");
  });

  test("answers 304 for its ETag and changes after a publish", async () => {
    const etag = must((await get("/cap.atom")).headers.get("etag"), "the feed's ETag");
    expect((await get("/cap.atom", { "if-none-match": etag })).status).toBe(304);
    hub.clock.advance(MINUTE);
    const opened = await api(hub, hub.token).post("/api/v1/incidents", { title: "Ny händelse", severity: "info" });
    expect(opened.status, opened.text).toBe(201);
    const fresh = opened.json;
    const posted = await api(hub, hub.token).post(`/api/v1/incidents/${fresh.id}/updates`, { body: "Ny uppdatering." });
    expect(posted.status, posted.text).toBe(201);
    const after = await get("/cap.atom", { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain(`/incidents/${fresh.slug}/updates/1/cap.xml`);
  });

  test("the public pages advertise it in the head and the footer", async () => {
    const html = await text("/");
    expect(html).toContain(`<link rel="alternate" type="application/atom+xml" title="CAP" href="${PUBLIC}/cap.atom">`);
    expect(html).toMatch(new RegExp(`<footer[\\s\\S]*href="${PUBLIC}/cap.atom"[\\s\\S]*</footer>`));
  });

  test("a publish, edit or withdrawal purges the index, the message and the Cancel", () => {
    const paths = changedPublicPaths("storm", [3]);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/cap.atom",
        "/incidents/storm/updates/3/cap.xml",
        "/incidents/storm/updates/3/cap-cancel.xml",
      ]),
    );
  });

  test("stays small: at most 100 entries and under 100 KB", async () => {
    const a = api(hub, hub.token);
    const long = (
      await a.post("/api/v1/incidents", { title: `${"Lång rubrik ".repeat(16)}`.trim(), severity: "critical" })
    ).json;
    for (let i = 0; i < 105; i++) {
      hub.clock.advance(1000);
      await a.post(`/api/v1/incidents/${long.id}/updates`, { body: "Kort.".repeat(100) });
    }
    const { xml, entries } = await indexEntries();
    expect(entries).toHaveLength(100);
    expect(entries[0].href).toBe(`${PUBLIC}/incidents/${long.slug}/updates/105/cap.xml`);
    expect(new TextEncoder().encode(xml).length).toBeLessThan(100 * 1024);
  });
});
