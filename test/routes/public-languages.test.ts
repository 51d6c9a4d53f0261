// The public website in the organisation's languages: the same pages under a language prefix,
// with the right lang and dir, hreflang alternates, a switcher naming each language in itself,
// fixed texts and dates in the language, and a notice where an update has no translation yet.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { offerLanguages, writeTranslation } from "../helpers/languages";
import { must } from "../helpers/must";

let hub: TestHub;
let slug: string;
let firstId: string;
const BASE = "https://kris.exempel.se";

beforeAll(async () => {
  hub = await startTestHub();
  const a = api(hub, hub.token);
  const incident = (await a.post("/api/v1/incidents", { title: "Vattenläcka i centrum", severity: "major" })).json;
  slug = incident.slug;
  const first = (await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Vattnet är avstängt." })).json;
  await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Vattnet är tillbaka i hela centrum." });
  await offerLanguages(hub, ["sv", "en", "ar"]);
  firstId = must(first.id, "the update id");
  await writeTranslation(hub, firstId, "en", "The water is turned off.");
  await writeTranslation(hub, firstId, "ar", "تم قطع المياه.");
});
afterAll(() => hub.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  hub.app.request(path, { headers }, { deps: hub.deps });

describe("public pages per language", () => {
  test("/en/ speaks English with lang, hreflang alternates and a switcher naming each language in itself", async () => {
    const res = await get("/en/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Ongoing incidents");
    for (const [tag, path] of [
      ["sv", "/"],
      ["en", "/en/"],
      ["ar", "/ar/"],
      ["x-default", "/"],
    ]) {
      expect(html).toContain(`<link rel="alternate" hreflang="${tag}" href="${BASE}${path}">`);
    }
    expect(html).toMatch(/<a href="https:\/\/kris\.exempel\.se\/ar\/" hreflang="ar" lang="ar" dir="rtl">العربية<\/a>/);
    expect(html).toMatch(/hreflang="en" lang="en" aria-current="page">English<\/a>/);
    expect(html).toContain('hreflang="sv" lang="sv">Svenska</a>');
    expect(html).toContain(`href="${BASE}/en/incidents/${slug}"`);
  });

  test("the incident page in English shows the translation, and the Swedish text with a notice where there is none", async () => {
    const html = await (await get(`/en/incidents/${slug}`)).text();
    expect(html).toContain("The water is turned off.");
    expect(html).toContain("This update has not been translated yet.");
    expect(html).toMatch(/<div lang="sv">\s*<p>Vattnet är tillbaka i hela centrum.<\/p>/);
    // The incident's title is Swedish data on an English page.
    expect(html).toContain('<h1 lang="sv">Vattenläcka i centrum</h1>');
    // Dates in English, Stockholm time.
    expect(html).toMatch(/Published <time datetime="[^"]+">\d{1,2} [A-Z][a-z]+ \d{4}/);
  });

  test("Arabic pages are right to left, and Swedish text inside them is marked left to right", async () => {
    const res = await get(`/ar/incidents/${slug}/updates/2`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain('<div lang="sv" dir="ltr">');
    expect(html).toContain("لم يُترجم هذا التحديث إلى العربية بعد");
    const first = await (await get(`/ar/incidents/${slug}/updates/1`)).text();
    expect(first).toContain("تم قطع المياه.");
    expect(first).not.toContain("لم يُترجم");
    expect(first).toContain(`<link rel="canonical" href="${BASE}/ar/incidents/${slug}/updates/1">`);
  });

  test("the Swedish pages stay unprefixed and untouched by translations", async () => {
    const html = await (await get(`/incidents/${slug}`)).text();
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain("Vattnet är avstängt.");
    expect(html).not.toContain("The water is turned off.");
    expect(html).not.toContain('class="untranslated"');
    expect(html).toContain(`<link rel="alternate" hreflang="en" href="${BASE}/en/incidents/${slug}">`);
  });

  test("every other public page exists per language", async () => {
    for (const path of ["/en/channels", "/en/prenumerera", "/ar/channels", "/ar/prenumerera"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
    }
    expect(await (await get("/en/prenumerera")).text()).toContain(`<code>${BASE}/en/feed.atom</code>`);
  });

  test("a language the organisation does not offer is a 404, and /sv/ is the unprefixed address", async () => {
    for (const path of ["/fi/", `/fi/incidents/${slug}`, "/de/feed.atom", "/fi/channels", "/en/channels.json"]) {
      expect((await get(path)).status, path).toBe(404);
    }
    const sv = await get(`/sv/incidents/${slug}`);
    expect(sv.status).toBe(301);
    expect(sv.headers.get("location")).toBe(`/incidents/${slug}`);
    const missing = await get("/en/incidents/finns-inte");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Page not found");
  });

  test("each language is its own cache entry with its own ETag, and 304 works per language", async () => {
    const sv = await get(`/incidents/${slug}`);
    const en = await get(`/en/incidents/${slug}`);
    const svTag = must(sv.headers.get("etag"), "an ETag");
    const enTag = must(en.headers.get("etag"), "an ETag");
    expect(enTag).not.toBe(svTag);
    expect((await get(`/en/incidents/${slug}`, { "if-none-match": enTag })).status).toBe(304);
    expect((await get(`/ar/incidents/${slug}`, { "if-none-match": enTag })).status).toBe(200);
    const br = await get("/en/", { "accept-encoding": "br" });
    expect(br.headers.get("content-encoding")).toBe("br");
  });

  test("easy-to-read Swedish has its own tag and words; a language without words of its own gets English ones", async () => {
    await offerLanguages(hub, ["sv", "en", "ar", "sv-x-lattlast", "pl"]);
    try {
      const easy = await (await get("/sv-x-lattlast/")).text();
      expect(easy).toContain('<html lang="sv-x-lattlast">');
      expect(easy).toContain("Det här händer nu");
      expect(easy).toContain('lang="sv-x-lattlast" aria-current="page">Lättläst svenska</a>');
      await writeTranslation(hub, firstId, "pl", "Woda jest zakręcona.");
      const page = await get(`/pl/incidents/${slug}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      // The page's words are English, so it says so; each text inside says its own language.
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('lang="pl" aria-current="page">Polski</a>');
      expect(html).toMatch(/<div lang="pl">\s*<p>Woda jest zakręcona.<\/p>/);
      expect(html).toMatch(/<div lang="sv">\s*<p>Vattnet är tillbaka i hela centrum.<\/p>/);
    } finally {
      await offerLanguages(hub, ["sv", "en", "ar"]);
    }
  });

  test("with only Swedish offered, there are no alternates and no switcher", async () => {
    await offerLanguages(hub, ["sv"]);
    try {
      const html = await (await get("/")).text();
      expect(html).not.toContain("hreflang=");
      expect((await get("/en/")).status).toBe(404);
    } finally {
      await offerLanguages(hub, ["sv", "en", "ar"]);
    }
  });
});

describe("feeds per language", () => {
  test("/en/feed.atom is English, links its alternates, and marks the Swedish entry awaiting translation", async () => {
    const { XMLParser, XMLValidator } = await import("fast-xml-parser");
    const res = await get("/en/feed.atom");
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(xml).feed;
    expect(feed["@_xml:lang"]).toBe("en");
    expect(feed.entry).toHaveLength(2);
    const ids = feed.entry.map((e: { id: string }) => e.id).sort();
    expect(ids).toEqual([`${BASE}/en/incidents/${slug}/updates/1`, `${BASE}/en/incidents/${slug}/updates/2`]);
    const swedish = feed.entry.find((e: { "@_xml:lang"?: string }) => e["@_xml:lang"] === "sv");
    expect(swedish.summary).toBe("Vattnet är tillbaka i hela centrum.");
    expect(xml).toContain("<summary>The water is turned off.</summary>");
    expect(xml).toContain(`hreflang="ar" href="${BASE}/ar/feed.atom"`);
    expect(xml).toContain(`<link rel="self" type="application/atom+xml" href="${BASE}/en/feed.atom"/>`);
    expect(res.headers.get("link")).toBe(`<${BASE}/websub>; rel="hub", <${BASE}/en/feed.atom>; rel="self"`);
  });

  test("RSS and JSON Feed per language and per incident say their language", async () => {
    const rss = await (await get(`/ar/incidents/${slug}/feed.rss`)).text();
    expect(rss).toContain("<language>ar</language>");
    expect(rss.match(/<item>/g)).toHaveLength(2);
    expect(rss).toContain("تم قطع المياه.");
    const json = JSON.parse(await (await get("/en/feed.json")).text());
    expect(json.language).toBe("en");
    expect(json.items).toHaveLength(2);
    expect(json.items.find((i: { language?: string }) => i.language === "sv").content_text).toBe(
      "Vattnet är tillbaka i hela centrum.",
    );
    const sv = await (await get("/feed.atom")).text();
    expect(sv).toContain('xml:lang="sv"');
    expect(sv).not.toContain("The water is turned off.");
  });
});
