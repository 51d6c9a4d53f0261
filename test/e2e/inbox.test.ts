// The shared inbox in headless Chromium against the demo hub: a published update gets the demo
// public's replies on every stand-in, collection brings them into /staff/inbox, and a
// communicator answers one from the page. Every state of the page on the way is axe-clean.
import { and, countDistinct, eq, like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inboxItems } from "../../src/db/schema";
import { collectDueInboxes } from "../../src/domain/inbox/collect";
import { PLATFORMS } from "../../src/platforms/types";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser, signIn } from "./browser";
import { DEMO_EMAIL, DEMO_PASSWORD, type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;

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
    // The dispatcher publishes; the demo's public answers each new post at the next inbox sweep, and
    // collection brings the answers in. The demo's own posts (its translated update, its exercise)
    // get replies too, so what is awaited is this incident's question from every platform. Collection
    // is due a minute after the first empty look; asking now rather than waiting.
    const collected = async () => {
      await hub.deps.db.execute(sql`update inbox_cursors set next_poll_at = '1970-01-01T00:00:00Z'`);
      await collectDueInboxes(hub.deps);
      const [row] = await hub.deps.db
        .select({ n: countDistinct(inboxItems.platform) })
        .from(inboxItems)
        .where(and(eq(inboxItems.incidentId, incident.json.id), like(inboxItems.text, "%Norrby%")));
      return row?.n ?? 0;
    };
    await expect.poll(collected, { timeout: 120_000, interval: 1_000 }).toBe(PLATFORMS.length);

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
  }, 240_000);
});
