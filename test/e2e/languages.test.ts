// The public pages in other languages, in headless Chromium with axe-core: English, and Arabic
// and Persian written right to left, with Swedish text inside them marked left to right. Zero
// violations of WCAG 2.1 A and AA, as for the Swedish pages (accessibility.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { offerLanguages, writeTranslation } from "../helpers/languages";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser, type Violation } from "./browser";
import { type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;
let slug: string;

describe.skipIf(!HAVE_CHROMIUM)("public pages per language (axe-core, WCAG 2.1 AA, also right to left)", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
    const incident = await hub.api("POST", "/api/v1/incidents", {
      title: "Vattenläcka på Storgatan",
      severity: "major",
      areas: ["Centrum"],
    });
    expect(incident.status).toBe(201);
    slug = incident.json.slug;
    const first = await hub.api("POST", `/api/v1/incidents/${incident.json.id}/updates`, {
      body: "Vattnet är avstängt på Storgatan.\n\nHämta vatten vid torget.",
    });
    expect(first.status).toBe(201);
    await hub.api("POST", `/api/v1/incidents/${incident.json.id}/updates`, { body: "Reparationen pågår." });
    await offerLanguages(hub, ["sv", "en", "ar", "fa"]);
    await writeTranslation(hub, first.json.id, "en", "The water is off on Storgatan.\n\nFetch water at the square.");
    await writeTranslation(
      hub,
      first.json.id,
      "ar",
      "المياه مقطوعة في شارع ستورغاتان.\n\nاحصلوا على المياه من الساحة.",
    );
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("English, Arabic and Persian pages have no violations", async () => {
    const { page } = browser;
    const found: Record<string, Violation[]> = {};
    const paths = [
      "/en/",
      `/en/incidents/${slug}`,
      `/en/incidents/${slug}/updates/1`,
      `/en/incidents/${slug}/updates/2`,
      "/en/channels",
      "/en/prenumerera",
      "/ar/",
      `/ar/incidents/${slug}`,
      `/ar/incidents/${slug}?ordning=aldst`,
      `/ar/incidents/${slug}/updates/1`,
      `/ar/incidents/${slug}/updates/2`,
      "/ar/channels",
      "/ar/prenumerera",
      "/ar/incidents/finns-inte",
      "/fa/",
      `/fa/incidents/${slug}`,
    ];
    for (const path of paths) {
      await page.goto(hub.url + path);
      const violations = await axeViolations(page);
      if (violations.length) found[path] = violations;
    }
    expect(found).toEqual({});
  }, 120_000);

  test("Arabic lays out right to left, the untranslated Swedish text left to right", async () => {
    const { page } = browser;
    await page.goto(`${hub.url}/ar/incidents/${slug}/updates/2`);
    expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe("rtl");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("ar");
    const swedish = page.locator('article.update div[lang="sv"]');
    expect(await swedish.evaluate((el) => getComputedStyle(el).direction)).toBe("ltr");
    expect(await swedish.textContent()).toContain("Reparationen pågår.");
    // The switcher names each language in itself and leads to the same page.
    await page.getByRole("link", { name: "English" }).click();
    expect(page.url()).toBe(`${hub.url}/en/incidents/${slug}/updates/2`);
    expect(await page.textContent("h1")).toBe("Vattenläcka på Storgatan: update 2");
  }, 60_000);
});
