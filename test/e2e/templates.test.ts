// End to end in headless Chromium against the demo hub (the starter templates are seeded on first
// start): open an incident from the boil-water template, see the placeholders pointed out, be
// refused while one is left, fill them in, publish. Every page on the way is axe-clean.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser, signIn } from "./browser";
import { DEMO_EMAIL, DEMO_PASSWORD, type E2eHub, startE2eHub } from "./start-hub";

const FILLED: Record<string, string> = {
  område: "Norrby",
  datum: "i dag den 2 december",
  telefon: "0123-456 00",
  webbplats: "exempelkommun.se/kris",
};

let hub: E2eHub;
let browser: Browser;

async function fillPlaceholders(page: Page, selector: string): Promise<void> {
  const field = page.locator(selector);
  const text = await field.inputValue();
  await field.fill(text.replace(/\{([\p{L}]+)\}/gu, (whole, name: string) => FILLED[name] ?? whole));
}

describe.skipIf(!HAVE_CHROMIUM)("opening an incident from a template, in Chromium", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("pick a template, fill its placeholders, publish; every page is axe-clean", async () => {
    const { page } = browser;
    await signIn(page, hub.url, DEMO_EMAIL, DEMO_PASSWORD);
    await page.goto(`${hub.url}/staff/incidents`);
    await page.getByRole("link", { name: "Öppna händelse från mall" }).click();
    await page.waitForURL(/\/staff\/templates$/);
    expect(await axeViolations(page)).toEqual([]);

    await page
      .getByRole("link", { name: "Öppna händelse från mallen Kokningsrekommendation för dricksvatten" })
      .click();
    expect(await page.getByLabel("Rubrik").inputValue()).toBe("Koka vattnet i {område}");
    expect(await page.locator("#platshallare mark").allTextContents()).toEqual(["{område}"]);
    expect(await axeViolations(page)).toEqual([]);
    await fillPlaceholders(page, "#title");
    await page.getByRole("button", { name: "Öppna händelsen" }).click();
    await page.waitForURL(/\/staff\/incidents\/[0-9a-f-]+\/updates\/new\?oppnad=1&mall=/);

    expect(await page.locator("#body").inputValue()).toContain("Koka vattnet innan du dricker det");
    expect(await page.locator("#platshallare mark").allTextContents()).toEqual([
      "{område}",
      "{datum}",
      "{telefon}",
      "{webbplats}",
    ]);
    expect(await axeViolations(page)).toEqual([]);

    // Publishing with the placeholders left in is refused, naming the first.
    await page.getByRole("button", { name: "Publicera" }).click();
    await expect
      .poll(() => page.locator(".error-summary").textContent())
      .toContain("Fyll i {område} innan du publicerar.");
    expect(await axeViolations(page)).toEqual([]);

    await fillPlaceholders(page, "#body");
    await fillPlaceholders(page, "#variants-x");
    await Promise.all([
      page.waitForURL(/\/staff\/updates\/[0-9a-f-]+\?klart=publicerad/),
      page.getByRole("button", { name: "Publicera" }).click(),
    ]);
    expect(await page.textContent("main")).toContain("Koka vattnet i Norrby");
  }, 120_000);

  test("the template form, empty and with errors, is axe-clean", async () => {
    const { page } = browser;
    await page.goto(`${hub.url}/staff/templates`);
    await page.getByRole("link", { name: "Ny mall" }).click();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Spara mallen" }).click();
    await expect.poll(() => page.locator(".error-summary").textContent()).toContain("Skriv mallens namn");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Mallens namn").fill("Skred");
    await page.getByLabel("Rubrik").fill("Skred vid {plats}");
    await page.getByLabel("Första uppdateringen").fill("Ring {telfon}.");
    await page.getByRole("button", { name: "Spara mallen" }).click();
    await expect
      .poll(() => page.locator(".error-summary").textContent())
      .toContain("Platshållaren {telfon} finns inte.");
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);
});
