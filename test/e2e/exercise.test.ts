// End to end in headless Chromium against the demo hub: open an exercise from the staff
// interface, publish its first update, and see the large ÖVNING banner on every public page of
// it (and of the demo's finished exercise); every page on the way is axe-clean.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser, signIn } from "./browser";
import { DEMO_EMAIL, DEMO_PASSWORD, type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;

describe.skipIf(!HAVE_CHROMIUM)("an exercise, in Chromium", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("open an exercise, publish, and see the ÖVNING banner on its public pages", async () => {
    const { page } = browser;
    await signIn(page, hub.url, DEMO_EMAIL, DEMO_PASSWORD);
    await page.goto(`${hub.url}/staff/incidents`);
    await page.getByRole("link", { name: "Öppna övning" }).click();
    await page.waitForURL(/\/staff\/incidents\/new\?ovning=1$/);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Rubrik").fill("Övning: vattenläcka vid torget");
    await page.locator("#severity-major").check();
    await page.getByRole("button", { name: "Öppna övningen" }).click();
    await page.waitForURL(/\/staff\/incidents\/[0-9a-f-]+\/updates\/new\?oppnad=1/);
    expect(await page.textContent("main")).toContain("ÖVNING.");
    await page.locator("#body").fill("Vattnet är avstängt runt torget (övningsscenario).");
    await Promise.all([
      page.waitForURL(/\/staff\/updates\/[0-9a-f-]+\?klart=publicerad/),
      page.getByRole("button", { name: "Publicera" }).click(),
    ]);
    const { json } = await hub.api("GET", "/api/v1/incidents?status=active");
    const exercise = json.incidents.find((i: { title: string }) => i.title === "Övning: vattenläcka vid torget");
    expect(exercise).toMatchObject({ exercise: true });
    await page.goto(`${hub.url}/staff/incidents/${exercise.id}`);
    expect(await axeViolations(page)).toEqual([]);

    const demo = (await hub.api("GET", "/api/v1/incidents?status=resolved")).json.incidents.find(
      (i: { exercise: boolean }) => i.exercise,
    );
    expect(demo, "the demo's finished exercise").toBeTruthy();
    for (const path of [
      "/ovning",
      `/ovning/${exercise.slug}`,
      `/ovning/${exercise.slug}/updates/1`,
      `/ovning/${demo.slug}`,
      `/ovning/${demo.slug}/updates/4`,
    ]) {
      await page.goto(hub.url + path);
      const banner = page.locator(".exercise-banner");
      expect(await banner.isVisible(), path).toBe(true);
      expect(await banner.textContent(), path).toContain("ÖVNING");
      expect(await axeViolations(page), path).toEqual([]);
    }
    await page.goto(`${hub.url}/`);
    expect(await page.textContent("main")).not.toContain("vattenläcka vid torget");
    expect(await page.locator(".exercise-banner").count()).toBe(0);
  }, 180_000);
});
