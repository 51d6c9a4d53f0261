// The notification opt-in in a real browser: hidden where push is unsupported (the page is what
// it was), shown and axe-clean where it is, under the page's own CSP. Clicking it registers the
// service worker at the site root and subscribes; Chromium's own push service (Google's) is out
// of reach in a test, so PushManager.subscribe is answered with a subscription at the push
// service stand-in, and the notification of the next update is read there, decrypted.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type PushServiceStandIn, type StandInSubscription, startPushService } from "../../src/sandbox/push-service";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser } from "./browser";
import { type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;
let service: PushServiceStandIn;
let incident: { id: string; slug: string };

describe.skipIf(!HAVE_CHROMIUM)("web push opt-in", () => {
  beforeAll(async () => {
    [hub, browser, service] = await Promise.all([
      // Push services want a mailto: or https: contact; the e2e hub is served over plain http.
      startE2eHub({
        env: { KRISKANAL_PUSH_ALLOW_PRIVATE: "1", KRISKANAL_VAPID_SUBJECT: "mailto:krisinfo@exempelkommun.se" },
      }),
      launchBrowser(),
      startPushService(),
    ]);
    incident = (await hub.api("POST", "/api/v1/incidents", { title: "Vattenläcka på Storgatan", severity: "major" }))
      .json;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await service?.close();
  });

  test("without the Push API the opt-in stays hidden and nothing fails", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.addInitScript(() => {
      // biome-ignore lint/suspicious/noExplicitAny: removing a browser API to play an old browser
      delete (window as any).PushManager;
    });
    await page.goto(`${hub.url}/incidents/${incident.slug}`);
    await page.waitForLoadState("load");
    expect(await page.locator("[data-push-optin]").isHidden()).toBe(true);
    expect(await page.getByRole("button", { name: "Få notiser" }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  test("the button is shown, axe-clean, and a click subscribes the browser for this incident", async () => {
    const browserSub: StandInSubscription = service.subscribe();
    const { page, context } = browser;
    await context.grantPermissions(["notifications"], { origin: hub.url });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.addInitScript((sub) => {
      let current: unknown = null;
      const made = {
        endpoint: sub.endpoint,
        toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }),
        unsubscribe: async () => {
          current = null;
          return true;
        },
      };
      PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
        if (!options?.applicationServerKey || !options.userVisibleOnly) throw new Error("missing options");
        current = made;
        return made as unknown as PushSubscription;
      };
      PushManager.prototype.getSubscription = async () => current as PushSubscription | null;
    }, browserSub);
    await page.goto(`${hub.url}/incidents/${incident.slug}`);
    const button = page.getByRole("button", { name: "Få notiser" });
    await button.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await button.click();
    await page.getByRole("status").filter({ hasText: "Klart." }).waitFor();
    expect(await page.getByRole("button", { name: "Stäng av notiser" }).count()).toBe(1);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration("/"))?.scope);
    expect(scope).toBe(`${hub.url}/`);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);

    const update = await hub.api("POST", `/api/v1/incidents/${incident.id}/updates`, {
      body: "Vattnet är avstängt på Storgatan.\nTankbil vid skolan.",
    });
    expect(update.status).toBe(201);
    await expect
      .poll(() => service.received.filter((r) => r.subscriptionId === browserSub.id).length, { timeout: 20_000 })
      .toBe(1);
    expect(service.received[0].message).toEqual({
      title: "Vattenläcka på Storgatan",
      body: "Vattnet är avstängt på Storgatan.",
      url: update.json.url,
      tag: incident.id,
      lang: "sv",
    });

    // And off again: the hub forgets the browser.
    await page.getByRole("button", { name: "Stäng av notiser" }).click();
    await page.getByRole("status").filter({ hasText: "inte längre" }).waitFor();
    const reach = await hub.api("GET", `/api/v1/reach?incident=${incident.id}`);
    expect(reach.json.subscribers.web_push.incidents[incident.id]).toBe(0);
  }, 60_000);
});
