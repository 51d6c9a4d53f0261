import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

let hub: TestHub;
let incident: { id: string; slug: string };
const SCRIPT = '<script>alert("x")</script>';
beforeAll(async () => {
  hub = await startTestHub();
  const a = api(hub, hub.token);
  incident = (
    await a.post("/api/v1/incidents", { title: `Storm ${SCRIPT}`, severity: "major", summary: SCRIPT, areas: [SCRIPT] })
  ).json;
  await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: `Första. ${SCRIPT}`, author: { name: SCRIPT } });
  await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Andra uppdateringen." });
});
afterAll(() => hub.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  hub.app.request(path, { headers }, { deps: hub.deps });

describe("public website", () => {
  test("the home page lists the active incident with its latest update and feed discovery links", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain("Andra uppdateringen.");
    expect(html).toContain('rel="alternate" type="application/atom+xml"');
  });

  test("user text is escaped on every page and feed", async () => {
    const paths = [
      "/",
      `/incidents/${incident.slug}`,
      `/incidents/${incident.slug}/updates/1`,
      "/feed.atom",
      "/feed.rss",
      `/incidents/${incident.slug}/feed.atom`,
      `/incidents/${incident.slug}/feed.rss`,
    ];
    for (const path of paths) {
      const text = await (await get(path)).text();
      expect(text, path).not.toContain("<script>");
      expect(text, path).toMatch(/&lt;script&gt;|&amp;lt;script/);
    }
    const json = JSON.parse(await (await get("/feed.json")).text());
    expect(json.items.some((i: { content_text: string }) => i.content_text.includes(SCRIPT))).toBe(true);
  });

  test("the Atom feed parses as XML with one entry per update and stable ids", async () => {
    const xml = await (await get("/feed.atom")).text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(xml).feed;
    const entries = Array.isArray(feed.entry) ? feed.entry : [feed.entry];
    expect(entries).toHaveLength(2);
    expect(entries.map((e: { id: string }) => e.id).sort()).toEqual([
      `https://kris.exempel.se/incidents/${incident.slug}/updates/1`,
      `https://kris.exempel.se/incidents/${incident.slug}/updates/2`,
    ]);
    expect(feed.id).toBeTruthy();
    expect(feed.updated).toMatch(/^\d{4}-\d\d-\d\dT/);
    const perIncident = await (await get(`/incidents/${incident.slug}/feed.atom`)).text();
    expect(XMLValidator.validate(perIncident)).toBe(true);
  });

  test("JSON Feed 1.1 and RSS carry one item per update", async () => {
    const json = JSON.parse(await (await get("/feed.json")).text());
    expect(json.version).toBe("https://jsonfeed.org/version/1.1");
    expect(json.items).toHaveLength(2);
    const rss = await (await get(`/incidents/${incident.slug}/feed.rss`)).text();
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(rss.match(/<item>/g)).toHaveLength(2);
    expect((await get("/feed.json")).headers.get("content-type")).toContain("application/feed+json");
  });

  test("public responses carry a strong ETag, answer 304, and change ETag after a publish", async () => {
    const first = await get(`/incidents/${incident.slug}`);
    const etag = must(first.headers.get("etag"), "an ETag");
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(first.headers.get("cache-control")).toBe(
      "public, max-age=30, stale-while-revalidate=60, stale-if-error=86400",
    );
    const cached = await get(`/incidents/${incident.slug}`, { "if-none-match": etag });
    expect(cached.status).toBe(304);
    await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Tredje." });
    const fresh = await get(`/incidents/${incident.slug}`, { "if-none-match": etag });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("etag")).not.toBe(etag);
    expect(await fresh.text()).toContain("Tredje.");
  });

  test("pages are rendered once per change, not once per request", async () => {
    let renders = 0;
    const original = hub.deps.render;
    hub.deps.render = {
      render: (name, data) => {
        renders++;
        return original.render(name, data);
      },
    };
    try {
      await get("/");
      await get("/");
      await get("/");
      expect(renders).toBe(1);
      await api(hub, hub.token).post("/api/v1/incidents", { title: "Ny händelse", severity: "info" });
      await get("/");
      expect(renders).toBe(2);
    } finally {
      hub.deps.render = original;
    }
  });

  test("unknown incidents and update numbers are 404 pages", async () => {
    expect((await get("/incidents/finns-inte")).status).toBe(404);
    expect((await get(`/incidents/${incident.slug}/updates/99`)).status).toBe(404);
  });

  test("health answers 200 while the database answers", async () => {
    const res = await get("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("unknown addresses", () => {
  test("get the Swedish not-found page with links home, and API paths a JSON error", async () => {
    const page = await get("/finns/inte");
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain("Sidan finns inte");
    const apiMiss = await api(hub, hub.token).get("/api/v1/finns-inte");
    expect(apiMiss.status).toBe(404);
    expect(apiMiss.json.error.code).toBe("not_found");
  });
});
