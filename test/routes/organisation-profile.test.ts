// The organisation's profile through the API, and what the public sees of it: pages, icons,
// link previews, the "Läget just nu" box and feeds that keep withdrawn updates as tombstones.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_LOGO_SVG } from "../../src/demo";
import { publicContentSecurityPolicy } from "../../src/render/content-security-policy";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addPerson } from "../helpers/people";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const get = (path: string) => hub.app.request(path, {}, { deps: hub.deps });
const putLogo = (type: string, body: string | Uint8Array, token = hub.token) =>
  hub.app.request(
    "/api/v1/organisation/logo",
    { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": type }, body: body as BodyInit },
    { deps: hub.deps },
  );
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });
const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
// The parts of the parsed feeds the tests read (fast-xml-parser names attributes "@_…").
type AtomTombstone = { "@_ref": string; "@_when": string; "at:comment": string };
type AtomEntry = { id: string; title: string; updated: string };
type RssItem = {
  guid: { "#text": string };
  title: string;
  description: string;
  "dc:creator"?: unknown;
  author?: unknown;
};

describe("the organisation's profile", () => {
  test("defaults: the name, dark blue with white text, and the three lines of guidance", async () => {
    const org = (await api(hub, hub.token).get("/api/v1/organisation")).json;
    expect(org).toMatchObject({ name: "Exempelkommun", primaryColour: "#0b2f52", textColour: "#ffffff", logo: null });
    expect(org.guidance.map((g: { text: string }) => g.text)).toEqual([
      "Ring 112 vid nödläge",
      "Ring 113 13 för information om olyckor och kriser",
      "krisinformation.se",
    ]);
  });

  test("an admin sets name, short name, colours and contact lines; GET returns them and every page wears them", async () => {
    const res = await api(hub, hub.token).patch("/api/v1/organisation", {
      name: "Norrby kommun",
      shortName: "Norrby",
      primaryColour: "#00594C",
      textColour: "#fff",
      contactLines: ["Kontaktcenter 0123-45 67 00", "www.norrby.se"],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      name: "Norrby kommun",
      shortName: "Norrby",
      primaryColour: "#00594c",
      textColour: "#ffffff",
    });
    expect((await api(hub, hub.token).get("/api/v1/organisation")).json.contactLines).toEqual([
      "Kontaktcenter 0123-45 67 00",
      "www.norrby.se",
    ]);
    const page = await get("/");
    const html = await page.text();
    expect(html).toContain("--brand:#00594c;--brand-text:#ffffff");
    expect(html).toContain("Norrby kommun – krisinformation");
    expect(html).toContain("Kontaktcenter 0123-45 67 00");
    expect(html).toContain('<a href="tel:112">Ring 112 vid nödläge</a>');
    // The inline style block still matches the policy's hash after the colours went into it.
    expect(page.headers.get("content-security-policy")).toBe(await publicContentSecurityPolicy(html));
    const css = await (await get("/staff/assets/organisation.css")).text();
    expect(css).toContain("--brand:#00594c");
  });

  test("colours whose text would fail WCAG AA are refused with 400 naming the pair, and nothing changes", async () => {
    const before = (await api(hub, hub.token).get("/api/v1/organisation")).json;
    const res = await api(hub, hub.token).patch("/api/v1/organisation", {
      primaryColour: "#888888",
      textColour: "#ffffff",
      requireApproval: true,
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("colour_contrast_too_low");
    expect(res.json.error.detail).toContain("#ffffff");
    expect(res.json.error.detail).toContain("#888888");
    expect(res.json.error.params).toMatchObject({ foreground: "#ffffff", background: "#888888" });
    expect(res.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      "primaryColour",
      "textColour",
    ]);
    // Only the primary colour sent: it is checked against the stored text colour.
    const alone = await api(hub, hub.token).patch("/api/v1/organisation", { primaryColour: "#f0f0f0" });
    expect(alone.status).toBe(400);
    expect(alone.json.error.params).toMatchObject({ foreground: "#ffffff", background: "#f0f0f0" });
    const after = (await api(hub, hub.token).get("/api/v1/organisation")).json;
    expect(after).toEqual(before);
  });

  test("bad fields are 400 naming them; a viewer may not change the profile", async () => {
    const res = await api(hub, hub.token).patch("/api/v1/organisation", {
      primaryColour: "blue",
      guidance: [{ text: "Ring", url: "javascript:alert(1)" }],
      colour: "#000",
    });
    expect(res.status).toBe(400);
    const fields = res.json.error.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(["primaryColour", "guidance.0.url"]));
    const viewer = await addPerson(hub, { role: "viewer" });
    expect((await api(hub, viewer.token).patch("/api/v1/organisation", { name: "Kapad" })).status).toBe(403);
    expect((await putLogo("image/svg+xml", DEMO_LOGO_SVG, viewer.token)).status).toBe(403);
  });
});

describe("the logo", () => {
  test("an SVG with a script is refused with 400 and not stored", async () => {
    const res = await putLogo(
      "image/svg+xml",
      `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("logo_unsafe");
    expect(body.error.detail).toContain("<script>");
    expect((await api(hub, hub.token).get("/api/v1/organisation")).json.logo).toBeNull();
    expect((await get("/logo.svg")).status).toBe(404);
  });

  test("another type, or too many bytes, is refused", async () => {
    const gif = await putLogo("image/gif", "GIF89a");
    expect((await gif.json()).error.code).toBe("logo_type_unsupported");
    const big = await putLogo(
      "image/svg+xml",
      `<svg xmlns="http://www.w3.org/2000/svg">${" ".repeat(300 * 1024)}</svg>`,
    );
    expect((await big.json()).error.code).toBe("logo_too_large");
    const fake = await putLogo("image/png", "not a png at all, just some text here");
    expect((await fake.json()).error.code).toBe("logo_invalid");
  });

  test("a clean SVG is stored; the logo, favicons and touch icon are served from it and pages link them", async () => {
    const res = await putLogo("image/svg+xml", DEMO_LOGO_SVG);
    expect(res.status).toBe(200);
    const org = await res.json();
    expect(org.logo).toMatchObject({ type: "image/svg+xml", url: "https://kris.exempel.se/logo.svg" });
    const logo = await get("/logo.svg");
    expect(logo.headers.get("content-type")).toBe("image/svg+xml");
    expect(logo.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await logo.text()).toBe(DEMO_LOGO_SVG);
    expect(await (await get("/favicon.svg")).text()).toBe(DEMO_LOGO_SVG);
    const ico = new Uint8Array(await (await get("/favicon.ico")).arrayBuffer());
    expect([...ico.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect([...ico.subarray(22, 26)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const touch = new Uint8Array(await (await get("/apple-touch-icon.png")).arrayBuffer());
    const view = new DataView(touch.buffer);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([180, 180]);
    const favicon = new Uint8Array(await (await get("/favicon.png")).arrayBuffer());
    expect(new DataView(favicon.buffer).getUint32(16)).toBe(32);
    const html = await (await get("/")).text();
    expect(html).toContain('<img src="https://kris.exempel.se/logo.svg" alt="">');
    expect(html).toContain('rel="icon" href="https://kris.exempel.se/favicon.ico"');
    expect(html).toContain('rel="apple-touch-icon"');
    const feed = parser.parse(await (await get("/feed.atom")).text()).feed;
    expect(feed.logo).toBe("https://kris.exempel.se/logo.svg");
    expect(feed.icon).toBe("https://kris.exempel.se/apple-touch-icon.png");
    const json = JSON.parse(await (await get("/feed.json")).text());
    expect(json.icon).toBe("https://kris.exempel.se/logo.svg");
    expect(json.favicon).toBe("https://kris.exempel.se/apple-touch-icon.png");
    const rss = parser.parse(await (await get("/feed.rss")).text()).rss.channel;
    expect(rss.image.url).toBe("https://kris.exempel.se/logo.svg");
  });

  test("a PNG logo has no /favicon.svg and the icons are drawn from the PNG", async () => {
    const png = await (await get("/apple-touch-icon.png")).arrayBuffer();
    expect((await putLogo("image/png", new Uint8Array(png))).status).toBe(200);
    expect((await get("/favicon.svg")).status).toBe(404);
    expect((await get("/logo.svg")).status).toBe(404);
    expect((await get("/logo.png")).headers.get("content-type")).toBe("image/png");
    expect((await get("/favicon.ico")).status).toBe(200);
    expect(await (await get("/")).text()).not.toContain("favicon.svg");
  });
});

describe("the public timeline", () => {
  let incident: { id: string; slug: string };
  let withdrawnId: string;
  beforeAll(async () => {
    const a = api(hub, hub.token);
    incident = (await a.post("/api/v1/incidents", { title: "Vattenläcka i Norrby", severity: "major" })).json;
    await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Första: vattnet är avstängt." });
    hub.clock.advance(60_000);
    withdrawnId = (await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Andra: fel skola angiven." })).json
      .id;
    hub.clock.advance(60_000);
    await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Tredje: tankbilar står vid skolan." });
    hub.clock.advance(60_000);
    await a.post(`/api/v1/updates/${withdrawnId}/withdraw`, { reason: "Fel skola angavs" });
  });

  test("the incident page opens with 'Läget just nu' and lists updates newest first, or oldest first on request", async () => {
    const html = await (await get(`/incidents/${incident.slug}`)).text();
    const box = html.slice(
      html.indexOf('<section class="now"'),
      html.indexOf("</section>", html.indexOf('<section class="now"')),
    );
    expect(box).toContain("Läget just nu");
    expect(box).toContain("Tredje: tankbilar står vid skolan.");
    expect(box).toContain("Senast uppdaterad");
    expect(box).toContain("Pågående");
    const rest = html.slice(html.indexOf("Alla uppdateringar"));
    expect(rest.indexOf("Tredje:")).toBeLessThan(rest.indexOf("Första:"));
    expect(rest).toContain("Uppdatering 2 har dragits tillbaka");
    expect(rest).toContain("Fel skola angavs");
    expect(html).toContain("?ordning=aldst");
    const ordered = await (await get(`/incidents/${incident.slug}?ordning=aldst`)).text();
    const list = ordered.slice(ordered.indexOf("Alla uppdateringar"));
    expect(list.indexOf("Första:")).toBeLessThan(list.indexOf("Tredje:"));
  });

  test("pages carry Open Graph and Twitter card tags pointing at the update's card", async () => {
    const base = `https://kris.exempel.se/incidents/${incident.slug}`;
    const page = await (await get(`/incidents/${incident.slug}/updates/3`)).text();
    expect(page).toContain(`<meta property="og:url" content="${base}/updates/3">`);
    expect(page).toContain(`<meta property="og:image" content="${base}/updates/3/og.png">`);
    expect(page).toContain('<meta property="og:image:alt" content="Tredje: tankbilar står vid skolan.">');
    expect(page).toContain('<meta property="og:locale" content="sv_SE">');
    expect(page).toContain('<meta name="twitter:card" content="summary_large_image">');
    const incidentPage = await (await get(`/incidents/${incident.slug}`)).text();
    expect(incidentPage).toContain(`<meta property="og:image" content="${base}/updates/3/og.png">`);
    const withdrawn = await (await get(`/incidents/${incident.slug}/updates/2`)).text();
    expect(withdrawn).not.toContain("og:image");
    expect(withdrawn).not.toContain("fel skola angiven");
  });

  test("a withdrawn update stays in every feed as a tombstone that says when and why, without its text", async () => {
    const url = `https://kris.exempel.se/incidents/${incident.slug}/updates/2`;
    for (const path of ["/feed.atom", `/incidents/${incident.slug}/feed.atom`]) {
      const xml = await (await get(path)).text();
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).not.toContain("fel skola angiven");
      const feed = parser.parse(xml).feed;
      expect(feed["@_xml:lang"]).toBe("sv");
      expect(feed["@_xmlns:at"]).toBe("http://purl.org/atompub/tombstones/1.0");
      const tombstone = must(
        asList<AtomTombstone>(feed["at:deleted-entry"]).find((t) => t["@_ref"] === url),
        `a tombstone in ${path}`,
      );
      expect(tombstone["@_when"]).toBe(new Date(tombstone["@_when"]).toISOString());
      expect(tombstone["at:comment"]).toContain("Fel skola angavs");
      const entry = must(
        asList<AtomEntry>(feed.entry).find((e) => e.id === url),
        `the withdrawn entry in ${path}`,
      );
      expect(entry.title).toContain("Återkallad");
      expect(entry.updated).toBe(tombstone["@_when"]);
    }
    const rssXml = await (await get("/feed.rss")).text();
    expect(XMLValidator.validate(rssXml)).toBe(true);
    const items = asList<RssItem>(parser.parse(rssXml).rss.channel.item);
    const item = must(
      items.find((i) => i.guid["#text"] === url),
      "the withdrawn RSS item",
    );
    expect(item.title).toMatch(/^Återkallad: /);
    expect(item.description).toContain("Fel skola angavs");
    expect(items.every((i) => typeof i["dc:creator"] === "string" && i.author === undefined)).toBe(true);
    const json = JSON.parse(await (await get("/feed.json")).text());
    const jsonItem = json.items.find((i: { id: string }) => i.id === url);
    expect(jsonItem.title).toMatch(/^Återkallad: /);
    expect(jsonItem.content_text).toContain("Fel skola angavs");
    expect(JSON.stringify(json)).not.toContain("fel skola angiven");
  });

  test("the home page shows each active incident's latest update and its time", async () => {
    const html = await (await get("/")).text();
    expect(html).toContain("Tredje: tankbilar står vid skolan.");
    expect(html).toMatch(/Senaste uppdateringen \(nr 3, <time datetime="[^"]+">/);
  });
});
