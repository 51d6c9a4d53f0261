// End to end in headless Chromium against the real hub (startNode in demo mode: sandbox
// platforms, one account per platform): sign in, open an incident, write the update with the
// keyboard alone while the live preview follows, publish, watch every channel turn to published
// on the live board, and find the update on the public website.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PLATFORMS } from "../../src/platforms/types";
import { must } from "../helpers/must";
import { type Browser, HAVE_CHROMIUM, launchBrowser, signIn } from "./browser";
import { DEMO_EMAIL, DEMO_PASSWORD, type E2eHub, startE2eHub } from "./start-hub";

const BODY = "Vattnet är avstängt på Storgatan 1–15 efter en läcka. Tankbil står vid Stortorget från kl. 14.";

let hub: E2eHub;
let browser: Browser;

describe.skipIf(!HAVE_CHROMIUM)("publishing from the staff interface, in Chromium", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("sign in, open an incident, publish by keyboard, see every channel published and the website updated", async () => {
    const { page } = browser;
    // The staff pages' Content-Security-Policy must not block anything they need (the live
    // preview, the live board, the stylesheet): Chromium reports every refusal on the console.
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await signIn(page, hub.url, DEMO_EMAIL, DEMO_PASSWORD);
    await expect.poll(() => page.textContent("h1")).toBe("Start");

    await page.getByRole("link", { name: "Öppna en ny händelse" }).click();
    await page.getByLabel("Rubrik").fill("Vattenläcka på Storgatan");
    await page.getByRole("radio", { name: /^Allvarlig störning/ }).check();
    await page.getByLabel(/Berörda områden/).fill("Centrum");
    await page.getByRole("button", { name: "Öppna händelsen" }).click();
    await page.waitForURL(/\/staff\/incidents\/[0-9a-f-]+\/updates\/new/);

    // From here on, the keyboard alone: the skip link, then Tab from field to field.
    await page.keyboard.press("Tab");
    expect(await focusedText(page)).toBe("Hoppa till innehållet");
    await page.keyboard.press("Enter");
    await tabTo(page, "#body");
    await page.keyboard.type(BODY);
    // The live preview follows the typing: the website and one card per platform.
    await expect
      .poll(() => page.locator("#forhandsvisning-innehall .preview-card").count(), { timeout: 10_000 })
      .toBe(PLATFORMS.length + 1);
    // Without an image Instagram would get the crisis card: no platform is left out.
    expect(await page.locator("#forhandsvisning-innehall").textContent()).not.toContain("kräver en bild");
    // An image on the web by its address (the hub's own icon: every platform must be able to fetch it).
    await tabTo(page, "#imageUrl");
    await page.keyboard.type(`${hub.url}/apple-touch-icon.png`);
    await tabTo(page, "#imageAlt");
    await page.keyboard.type("Kommunens vapen");
    await tabTo(page, "button[value=publish]");
    // The focused control is visibly marked.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).not.toBe(
      "none",
    );
    await Promise.all([
      page.waitForURL(/\/staff\/updates\/[0-9a-f-]+\?klart=publicerad/),
      page.keyboard.press("Enter"),
    ]);

    // The board updates itself (board.js) until every channel is published.
    const summary = page.locator("#leveranser [data-summary]");
    await expect
      .poll(() => summary.textContent(), { timeout: 45_000, interval: 500 })
      .toBe(`${PLATFORMS.length} av ${PLATFORMS.length} publicerade.`);
    expect(await page.locator("#leveranser .st-published").count()).toBe(PLATFORMS.length);
    expect(await page.getByRole("link", { name: /^Visa inlägget/ }).count()).toBe(PLATFORMS.length);

    expect(refused).toEqual([]);

    // The website has it, at the permalink every post links to.
    const permalink = await page.locator("dl.facts a").last().getAttribute("href");
    expect(permalink).toMatch(new RegExp(`^${hub.url}/incidents/.+/updates/1$`));
    await page.goto(must(permalink, "the permalink's href"));
    expect(await page.textContent("main")).toContain(BODY);
    await page.goto(`${hub.url}/`);
    expect(await page.textContent("main")).toContain("Vattenläcka på Storgatan");
  }, 120_000);
});

async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => (document.activeElement?.textContent ?? "").trim());
}

/** Presses Tab until the element matching the selector has focus; fails if it never does. */
async function tabTo(page: Page, selector: string, maxPresses = 80): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}
