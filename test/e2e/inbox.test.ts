// The shared inbox in headless Chromium against the demo hub: a published update gets the demo
// public's replies on every stand-in, collection brings them into /staff/inbox, and a
// communicator answers one from the page. Every state of the page on the way is axe-clean.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DEMO_PUBLIC_REPLIES } from "../../src/demo";
import { collectDueInboxes } from "../../src/domain/inbox/collect";
import { PLATFORMS } from "../../src/platforms/types";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser, signIn } from "./browser";
import { DEMO_EMAIL, DEMO_PASSWORD, type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;

async function sandboxComments(base: string, platform: string): Promise<number> {
  const res = await fetch(`${base}/_control/${platform}/state`);
  return ((await res.json()) as { comments: unknown[] }).comments.length;
}

describe.skipIf(!HAVE_CHROMIUM)("the inbox in Chromium", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("the demo public's replies are collected, listed, answered from the page; axe-clean", async () => {
    const incident = await hub.api("POST", "/api/v1/incidents", {
      title: "Vattenläcka på Storgatan",
      severity: "major",
    });
    expect(incident.status).toBe(201);
    const update = await hub.api("POST", `/api/v1/incidents/${incident.json.id}/updates`, {
      body: "Vattnet är avstängt på Storgatan 1–15 efter en läcka. Tankbil står vid Stortorget.",
    });
    expect(update.status).toBe(201);
    // The dispatcher publishes; the demo's public answers each new post at the next inbox sweep.
    const sandbox = await hub.sandboxUrl();
    const fewest = async () => Math.min(...(await Promise.all(PLATFORMS.map((p) => sandboxComments(sandbox, p)))));
    await expect.poll(fewest, { timeout: 90_000, interval: 500 }).toBeGreaterThanOrEqual(DEMO_PUBLIC_REPLIES.length);
    // Collection is due a minute after the first empty look; asking now rather than waiting.
    await hub.deps.db.execute(sql`update inbox_cursors set next_poll_at = '1970-01-01T00:00:00Z'`);
    await collectDueInboxes(hub.deps);

    const { page } = browser;
    await signIn(page, hub.url, DEMO_EMAIL, DEMO_PASSWORD);
    // This incident's items only: the demo's own posts (its translated update, its exercise) get replies too.
    const inbox = `${hub.url}/staff/inbox?incidentId=${incident.json.id}`;
    await page.goto(inbox);
    const questions = page.locator("article.inbox-item", { hasText: "Gäller det här Norrby också?" });
    // One per platform: every stand-in's public asked.
    expect(await questions.count()).toBe(8);
    expect(await axeViolations(page)).toEqual([]);

    const facebook = page.locator("article.inbox-item", { hasText: "Gäller det här Norrby också?" }).filter({
      hasText: "på Facebook",
    });
    await facebook.getByLabel("Svar i tråden").fill("Nej, bara Storgatan 1–15.");
    await Promise.all([
      page.waitForURL(/\/staff\/inbox/),
      facebook.getByRole("button", { name: "Skicka svaret" }).click(),
    ]);
    expect(await axeViolations(page)).toEqual([]);
    // The answer goes out right after the commit; the page shows it sent.
    await expect
      .poll(
        async () => {
          await page.goto(inbox);
          return page.locator("article.inbox-item li", { hasText: "Nej, bara Storgatan 1–15." }).textContent();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toContain("skickat");
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel("Bara de som behöver svar").check();
    await page.getByRole("button", { name: "Visa" }).click();
    await page.waitForURL(/needsAnswer=true/);
    expect(await page.locator("article.inbox-item").count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
  }, 180_000);
});
