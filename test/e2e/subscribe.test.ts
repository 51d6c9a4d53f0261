// The subscription pages in Chromium, axe-clean in every state a visitor meets: the forms, the
// form with an error, the code page, the confirmation and the unsubscribe page. The demo hub
// sends its SMS to the sandbox's 46elks stand-in, which lists what it was sent.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ELKS_PASSWORD, ELKS_USERNAME } from "../../src/sandbox/elks";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser, type Violation } from "./browser";
import { type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;

async function sentSms(): Promise<{ to: string; message: string }[]> {
  const url = hub.deps.config.sms?.url ?? "";
  const res = await fetch(`${url}/a1/sms`, {
    headers: { authorization: `Basic ${btoa(`${ELKS_USERNAME}:${ELKS_PASSWORD}`)}` },
  });
  return (await res.json()).data;
}

describe.skipIf(!HAVE_CHROMIUM)("subscribing by SMS in a browser", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("sign up, a wrong number, the code, an update and the unsubscribe link: every page axe-clean", async () => {
    const { page } = browser;
    const found: Record<string, Violation[]> = {};
    const check = async (name: string) => {
      const violations = await axeViolations(page);
      if (violations.length) found[name] = violations;
    };
    await page.goto(`${hub.url}/prenumerera`);
    await check("subscribe");
    await page.getByLabel("Ditt mobilnummer").fill("inget nummer");
    await page.getByRole("button", { name: "Prenumerera via SMS" }).click();
    await page.waitForSelector(".error-summary");
    await check("subscribe with an error");
    await page.getByLabel("Ditt mobilnummer").fill("070-765 43 21");
    await page.getByRole("button", { name: "Prenumerera via SMS" }).click();
    await page.waitForSelector("#code");
    await check("code");
    let code = "";
    for (let i = 0; i < 50 && !code; i++) {
      code = /^(\d{6})/.exec((await sentSms()).find((s) => s.to === "+46707654321")?.message ?? "")?.[1] ?? "";
      if (!code) await new Promise((r) => setTimeout(r, 100));
    }
    expect(code).toMatch(/^\d{6}$/);
    await page.getByLabel("Kod från SMS:et").fill(code);
    await page.getByRole("button", { name: "Bekräfta" }).click();
    await page.getByRole("heading", { name: "Klart! Du prenumererar nu" }).waitFor();
    await check("confirmed");

    const { json: incident } = await hub.api("POST", "/api/v1/incidents", { title: "Vattenläcka", severity: "major" });
    await hub.api("POST", `/api/v1/incidents/${incident.id}/updates`, { body: "Vattnet är avstängt." });
    let update = "";
    for (let i = 0; i < 100 && !update; i++) {
      update = (await sentSms()).find((s) => s.to === "+46707654321" && s.message.includes("Vattnet"))?.message ?? "";
      if (!update) await new Promise((r) => setTimeout(r, 100));
    }
    const unsubscribe = /Avsluta: (\S+)$/.exec(update)?.[1] ?? "";
    expect(unsubscribe).toContain(`${hub.url}/avsluta/`);
    await page.goto(unsubscribe);
    await check("unsubscribe");
    await page.getByRole("button", { name: "Avsluta prenumerationen" }).click();
    await page.getByRole("heading", { name: "Prenumerationen är avslutad" }).waitFor();
    await check("unsubscribed");
    expect(found).toEqual({});
  }, 120_000);
});
