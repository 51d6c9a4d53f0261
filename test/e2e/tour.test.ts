// The README's five-minute tour, in Chromium, at a desktop width and at a 375 px wide phone:
// sign in, open an incident, write the tour's own text (no warnings at all: Instagram gets the
// crisis card as its image), publish, watch the board, follow Visa inlägget into the sandbox,
// and find the update on the public website with its copies linking there too.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PLATFORMS } from "../../src/platforms/types";
import { must } from "../helpers/must";
import { type Browser, HAVE_CHROMIUM, launchBrowser, signIn } from "./browser";
import { DEMO_EMAIL, DEMO_PASSWORD, type E2eHub, startE2eHub } from "./start-hub";

/** The text in README.md's tour, word for word. */
const TOUR_TEXT = "Vattnet är avstängt på Storgatan 1–15 efter en läcka. Tankbil står vid Stortorget.";

const WIDTHS = [
  { name: "desktop", viewport: { width: 1280, height: 900 }, phone: false },
  { name: "phone (375 px)", viewport: { width: 375, height: 740 }, phone: true },
];

let hub: E2eHub;

describe.skipIf(!HAVE_CHROMIUM)("the README tour, in Chromium", () => {
  beforeAll(async () => {
    hub = await startE2eHub();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  for (const width of WIDTHS) {
    test(`at ${width.name}`, async () => {
      const browser: Browser = await launchBrowser(width.viewport);
      try {
        const { page } = browser;
        await signIn(page, hub.url, DEMO_EMAIL, DEMO_PASSWORD);
        // The demo is seeded to teach, not to alarm: a line or two, not one per account.
        const findings = await page
          .locator("#konton-brister ~ ul li, section[aria-labelledby=konton-brister] li")
          .count();
        expect(findings).toBeLessThanOrEqual(3);
        expect(await page.locator("section[aria-labelledby=konton-brister]").textContent()).toContain("Threads");

        await page.getByRole("link", { name: "Öppna en ny händelse" }).click();
        await page.getByLabel("Rubrik").fill(`Vattenläcka på Storgatan (${width.name})`);
        await page.getByRole("radio", { name: /^Allvarlig störning/ }).check();
        await page.getByRole("button", { name: "Öppna händelsen" }).click();
        await page.waitForURL(/\/staff\/incidents\/[0-9a-f-]+\/updates\/new/);

        await page.locator("#body").fill(TOUR_TEXT);
        const cards = page.locator("#forhandsvisning-innehall .preview-card");
        await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(PLATFORMS.length + 1);
        // The tour's text raises no warning anywhere: Instagram gets the crisis card as its image.
        const warnings = await page.locator("#forhandsvisning-innehall ul.warnings li").allTextContents();
        expect(warnings).toEqual([]);

        const digest = page.locator("#sammanfattning");
        const publish = page.locator("button[value=publish]");
        if (width.phone) {
          // The preview is below the buttons on a phone: its summary stands above Publicera.
          await expect.poll(() => digest.textContent()).toContain("kanaler och webbplatsen");
          const [d, p] = await Promise.all([digest.boundingBox(), publish.boundingBox()]);
          expect(d && p && d.y < p.y).toBe(true);
        } else {
          expect(await digest.isVisible()).toBe(false);
        }

        await Promise.all([page.waitForURL(/\/staff\/updates\/[0-9a-f-]+\?klart=publicerad/), publish.click()]);
        const summary = page.locator("#leveranser [data-summary]");
        await expect.poll(() => summary.textContent(), { timeout: 45_000, interval: 500 }).not.toMatch(/på väg/);
        expect(await page.locator("#leveranser .st-failed").count()).toBe(0);
        expect(await page.locator("#leveranser .st-published").count()).toBe(PLATFORMS.length);

        // Rows in channel order, and on a phone each one compact.
        const rows = page.locator("#leveranser tbody tr");
        const heads = (await page.locator("#leveranser tbody th").allTextContents()).map(
          (t) => t.trim().split(/\s/)[0],
        );
        expect(heads).toEqual([...heads].sort((a, b) => order(a) - order(b)));
        if (width.phone) {
          for (const box of await Promise.all((await rows.all()).map((r) => r.boundingBox()))) {
            expect(box?.height ?? 0).toBeLessThan(200);
          }
        }

        // Visa inlägget opens the sandbox's page for the post, on the hub.
        const links = await page
          .getByRole("link", { name: /^Visa inlägget/ })
          .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
        expect(links.length).toBeGreaterThanOrEqual(PLATFORMS.length - 1);
        for (const href of links) expect(href.startsWith(`${hub.url}/sandbox/`)).toBe(true);
        await page.goto(links[0]);
        expect(await page.textContent("main")).toContain("Vattnet är avstängt på Storgatan");

        await page.goBack();
        const permalink = await page.locator("dl.facts a").last().getAttribute("href");
        await page.goto(must(permalink, "the update's permalink"));
        expect(await page.textContent("main")).toContain(TOUR_TEXT);
        const copies = await page.locator("main a[href*='/sandbox/']").count();
        expect(copies).toBeGreaterThanOrEqual(PLATFORMS.length - 1);
        await page.getByRole("link", { name: "Prenumerera" }).click();
        expect(await page.textContent("h1")).toBe("Prenumerera på krisinformationen");
      } finally {
        await browser.close();
      }
    }, 150_000);
  }
});

const LABELS: Record<string, string> = {
  Facebook: "facebook",
  Instagram: "instagram",
  X: "x",
  LinkedIn: "linkedin",
  Mastodon: "mastodon",
  Bluesky: "bluesky",
  Threads: "threads",
  Telegram: "telegram",
};
const order = (label: string) => PLATFORMS.indexOf((LABELS[label] ?? label) as (typeof PLATFORMS)[number]);
