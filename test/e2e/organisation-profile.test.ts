// The demo organisation's profile as a visitor's browser shows it: the colours and the logo in
// the header, the guidance in the footer, the "Läget just nu" box first, a favicon, and no axe
// violations with the organisation's own colours in place.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_PROFILE } from "../../src/demo";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser } from "./browser";
import { buildScenario, type Scenario } from "./scenario";
import { type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;
let scenario: Scenario;

const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

describe.skipIf(!HAVE_CHROMIUM)("the organisation's profile in a browser", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
    scenario = await buildScenario(hub);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("the incident page wears the profile, opens with 'Läget just nu' and passes axe", async () => {
    const { page } = browser;
    await page.goto(`${hub.url}/incidents/${scenario.incidentSlug}`);
    const header = page.locator("header.site");
    expect(await header.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(rgb(DEMO_PROFILE.primaryColour));
    expect(await header.evaluate((el) => getComputedStyle(el).color)).toBe(rgb(DEMO_PROFILE.textColour));
    const logo = page.locator("header.site img");
    expect(await logo.getAttribute("src")).toBe(`${hub.url}/logo.svg`);
    // The logo actually loaded under the page's Content-Security-Policy.
    expect(await logo.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await expect.poll(() => page.getByRole("heading", { name: "Läget just nu" }).isVisible()).toBe(true);
    const headings = await page.locator("main h2").allTextContents();
    expect(headings[0]).toBe("Läget just nu");
    expect(await page.locator("footer.site").textContent()).toContain("Ring 112 vid nödläge");
    expect(await page.locator("footer.site").textContent()).toContain(DEMO_PROFILE.contactLines[0]);
    expect(await axeViolations(page)).toEqual([]);
    const favicon = await page.request.get(`${hub.url}/favicon.ico`);
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()["content-type"]).toBe("image/x-icon");
  }, 60_000);
});
