// Every staff and public page, loaded in headless Chromium with axe-core injected: zero
// violations of WCAG 2.1 A and AA (lagen om tillgänglighet till digital offentlig service).
// Pages with states that only appear after input (error summaries, the preview with warnings)
// are checked in those states too.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readZip } from "../archive/bagit-check";
import { must } from "../helpers/must";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser, signIn, type Violation } from "./browser";
import { ADMIN, buildScenario, type Scenario } from "./scenario";
import { BOOTSTRAP_TOKEN, DEMO_EMAIL, DEMO_PASSWORD, type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;
let scenario: Scenario;

interface Check {
  name: string;
  /** Brings the page into the state to check. */
  open(page: Page): Promise<unknown>;
}

const goto = (path: string) => (page: Page) => page.goto(hub.url + path);

async function checkAll(page: Page, checks: Check[]): Promise<Record<string, Violation[]>> {
  const found: Record<string, Violation[]> = {};
  for (const check of checks) {
    await check.open(page);
    const violations = await axeViolations(page);
    if (violations.length) found[check.name] = violations;
  }
  return found;
}

describe.skipIf(!HAVE_CHROMIUM)("accessibility (axe-core, WCAG 2.1 AA)", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
    scenario = await buildScenario(hub);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("the checker finds violations when there are some (so that zero means something)", async () => {
    await browser.page.setContent('<html><body><img src="kartan.png"><a href="#"></a></body></html>');
    const ids = (await axeViolations(browser.page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(["html-has-lang", "image-alt", "link-name"]));
  });

  test("every public page", async () => {
    const slug = scenario.incidentSlug;
    const found = await checkAll(browser.page, [
      { name: "home", open: goto("/") },
      { name: "incident", open: goto(`/incidents/${slug}`) },
      { name: "update permalink", open: goto(`/incidents/${slug}/updates/1`) },
      { name: "channels", open: goto("/channels") },
      { name: "subscribe", open: goto("/prenumerera") },
      { name: "not found", open: goto("/incidents/finns-inte") },
    ]);
    expect(found).toEqual({});
  }, 60_000);

  test("every staff page, signed in as a communicator and as an admin", async () => {
    const { page } = browser;
    const s = scenario;
    const compose = `/staff/incidents/${s.incidentId}/updates/new`;
    const signedOut = await checkAll(page, [
      { name: "sign-in", open: goto("/staff/login") },
      {
        name: "sign-in with errors",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/login`);
          await p.getByRole("button", { name: "Logga in" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
    ]);
    await signIn(page, hub.url, DEMO_EMAIL, DEMO_PASSWORD);
    const communicator = await checkAll(page, [
      { name: "dashboard", open: goto("/staff") },
      { name: "incidents", open: goto("/staff/incidents") },
      { name: "open incident", open: goto("/staff/incidents/new") },
      {
        name: "open incident with errors",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/incidents/new`);
          await p.getByRole("button", { name: "Öppna händelsen" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
      { name: "incident", open: goto(`/staff/incidents/${s.incidentId}`) },
      { name: "resolved incident", open: goto(`/staff/incidents/${s.resolvedIncidentId}`) },
      { name: "after-action report", open: goto(`/staff/incidents/${s.incidentId}/report`) },
      { name: "compose", open: goto(compose) },
      {
        name: "compose with live preview and warnings",
        open: async (p) => {
          await p.goto(hub.url + compose);
          await p
            .getByLabel("Text", { exact: true })
            .fill(`Kontakta 121212-1212. ${"Lång text om läckan. ".repeat(20)}`);
          await p.waitForSelector("#forhandsvisning-innehall .warnings");
        },
      },
      {
        name: "compose refused, with error summary",
        open: async (p) => {
          await p.goto(hub.url + compose);
          await p.getByLabel("Text", { exact: true }).fill("Kontakta 121212-1212 om du har frågor.");
          await p.getByRole("button", { name: "Publicera" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
      { name: "board, all published", open: goto(`/staff/updates/${s.publishedUpdateId}`) },
      { name: "board, a failure to act on", open: goto(`/staff/updates/${s.failedUpdateId}`) },
      { name: "edit update", open: goto(`/staff/updates/${s.publishedUpdateId}/edit`) },
      { name: "withdraw update", open: goto(`/staff/updates/${s.publishedUpdateId}/withdraw`) },
      { name: "close incident", open: goto(`/staff/incidents/${s.incidentId}/close`) },
      { name: "edit incident", open: goto(`/staff/incidents/${s.incidentId}/edit`) },
      {
        name: "edit incident with errors",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/incidents/${s.incidentId}/edit`);
          await p.getByLabel("Rubrik").fill("");
          await p.getByRole("button", { name: "Spara ändringarna" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
      {
        name: "dashboard, pause refused",
        open: async (p) => {
          await p.goto(`${hub.url}/staff`);
          await p.getByLabel(/^Skäl/).fill("ab");
          await p.getByRole("button", { name: "Pausa alla utskick" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
      {
        name: "dashboard, deliveries paused",
        open: async (p) => {
          await p.goto(`${hub.url}/staff`);
          await p.getByLabel(/^Skäl/).fill("Kontot på X kan vara kapat.");
          await p.getByRole("button", { name: "Pausa alla utskick" }).click();
          await p.waitForSelector("button:has-text('Återuppta utskicken')");
        },
      },
      { name: "a page under the paused banner", open: goto("/staff/incidents") },
      {
        name: "dashboard, resumed",
        open: async (p) => {
          await p.goto(`${hub.url}/staff`);
          await p.getByRole("button", { name: "Återuppta utskicken" }).click();
          await p.waitForSelector("button:has-text('Pausa alla utskick')");
        },
      },
      { name: "moderation log", open: goto("/staff/removals") },
      { name: "moderation log, filtered", open: goto("/staff/removals?reason=personal_attack&from=2020-01-01") },
      { name: "register removal", open: goto("/staff/removals/new") },
      {
        name: "register removal with errors",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/removals/new`);
          await p.getByRole("button", { name: "Registrera" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
      { name: "removal with the notice to copy", open: goto(`/staff/removals/${s.removalId}`) },
      { name: "account", open: goto(`/staff/accounts/${s.accountId}`) },
      { name: "accounts", open: goto("/staff/accounts") },
      { name: "compliance", open: goto("/staff/compliance") },
      { name: "password", open: goto("/staff/password") },
      { name: "not allowed", open: goto("/staff/people") },
      { name: "not found", open: goto("/staff/updates/00000000-0000-4000-8000-000000000000") },
    ]);
    await page.goto(`${hub.url}/staff`);
    await Promise.all([page.waitForURL(/\/staff\/login/), page.getByRole("button", { name: "Logga ut" }).click()]);
    await signIn(page, hub.url, ADMIN.email, ADMIN.password);
    const admin = await checkAll(page, [
      { name: "people", open: goto("/staff/people") },
      { name: "person", open: goto(`/staff/people/${s.adminId}`) },
      { name: "board, awaiting approval", open: goto(`/staff/updates/${s.pendingUpdateId}`) },
      { name: "accounts, as admin", open: goto("/staff/accounts") },
      { name: "register account, choose platform", open: goto("/staff/accounts/new") },
      { name: "register account", open: goto("/staff/accounts/new?platform=facebook") },
      {
        name: "register account with errors",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/accounts/new?platform=facebook`);
          await p.getByLabel("Kontots namn").fill("fel namn!");
          await p.locator("#editors-0-email").fill("inte-en-adress");
          await p.getByRole("button", { name: "Registrera kontot" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
      { name: "edit account", open: goto(`/staff/accounts/${s.accountId}/edit`) },
      { name: "account, as admin", open: goto(`/staff/accounts/${s.accountId}`) },
      {
        name: "account, closing refused without a snapshot",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/accounts/${s.accountId}`);
          await p.getByLabel("Skäl till att kontot stängs").fill("Skolan samlar allt på huvudkontot.");
          await p.getByRole("button", { name: "Stäng kontot" }).click();
          await p.waitForSelector("#ta-bild");
        },
      },
      { name: "departments", open: goto("/staff/departments") },
      {
        name: "departments with errors",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/departments`);
          await p.getByRole("button", { name: "Lägg till verksamheten" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
      { name: "settings", open: goto("/staff/settings") },
      { name: "records", open: goto("/staff/records") },
      {
        name: "records with errors",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/records`);
          await p.getByLabel("Första dagen").fill("2030-01-01");
          await p.getByRole("button", { name: "Ladda ner perioden (zip)" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
      {
        name: "board, rejection refused without a reason",
        open: async (p) => {
          await p.goto(`${hub.url}/staff/updates/${s.pendingUpdateId}`);
          await p.getByRole("button", { name: "Godkänn inte" }).click();
          await p.waitForSelector(".error-summary");
        },
      },
    ]);
    expect({ ...signedOut, ...communicator, ...admin }).toEqual({});
  }, 120_000);

  test("the after-action report: on screen, as printed, and the archive's copy", async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await signIn(page, hub.url, DEMO_EMAIL, DEMO_PASSWORD);
    const report = `/staff/incidents/${scenario.incidentId}/report`;
    const onScreen = await checkAll(page, [
      { name: "report", open: goto(report) },
      { name: "report, resolved incident", open: goto(`/staff/incidents/${scenario.resolvedIncidentId}/report`) },
    ]);
    await page.emulateMedia({ media: "print" });
    let printed: Record<string, Violation[]>;
    try {
      printed = await checkAll(page, [{ name: "report, printed", open: goto(report) }]);
      // On paper: the report and its charts, without the staff header and menus.
      expect(await page.locator("header.staff").isVisible()).toBe(false);
      expect(await page.locator("svg.chart").first().isVisible()).toBe(true);
    } finally {
      await page.emulateMedia({ media: null });
    }
    const res = await fetch(`${hub.url}/api/v1/incidents/${scenario.incidentId}/export`, {
      headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const archived = readZip(Buffer.from(await res.arrayBuffer())).find((e) =>
      e.name.endsWith(`/representations/html/data/${scenario.incidentSlug}/rapport.html`),
    );
    await page.setContent(must(archived, "the report in the export").data.toString("utf8"));
    const archivedViolations = await axeViolations(page);
    expect({ ...onScreen, ...printed, ...(archivedViolations.length ? { archived: archivedViolations } : {}) }).toEqual(
      {},
    );
  }, 60_000);
});
