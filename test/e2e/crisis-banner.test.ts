// The crisis banner embedded in a municipality's page served from another origin, under a
// strict Content-Security-Policy: the script inserts an accessible banner, loads nothing but the
// hub's own data, sets no cookie; the iframe variant shows the same; axe finds no violation.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { axeViolations, type Browser, HAVE_CHROMIUM, launchBrowser } from "./browser";
import { type E2eHub, startE2eHub } from "./start-hub";

let hub: E2eHub;
let browser: Browser;
let site: Server;
let siteUrl: string;

function sitePage(body: string): string {
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Exempelkommun</title></head>
<body><header><p>Exempelkommun</p></header><main><h1>Välkommen till Exempelkommun</h1><p>Kommunens webbplats.</p>${body}</main></body></html>`;
}

describe.skipIf(!HAVE_CHROMIUM)("the crisis banner on another site", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub({ env: { KRISKANAL_DEMO: "0" } }), launchBrowser()]);
    site = createServer((req, res) => {
      // The strictest policy a site could have and still embed the banner: the hub's script,
      // its data and its frame, and nothing inline.
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": `default-src 'self'; script-src ${hub.url}; connect-src ${hub.url}; frame-src ${hub.url}`,
      });
      res.end(
        req.url === "/ram"
          ? sitePage(`<iframe src="${hub.url}/embed" title="Krisinformation" width="600" height="160"></iframe>`)
          : sitePage(`<script src="${hub.url}/embed.js" async></script>`),
      );
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await new Promise((resolve) => site?.close(resolve));
  });

  test("nothing active: the page shows no banner", async () => {
    const page = browser.page;
    const loaded = page.waitForResponse((r) => r.url() === `${hub.url}/embed.json`);
    await page.goto(siteUrl);
    await loaded;
    expect(await page.locator("aside").count()).toBe(0);
  });

  test("an active incident: an accessible banner with title, time and link; no other requests, no cookies", async () => {
    const incident = (await hub.api("POST", "/api/v1/incidents", { title: "Vattenläcka i centrum", severity: "major" }))
      .json;
    expect((await hub.api("POST", `/api/v1/incidents/${incident.id}/updates`, { body: "Koka vattnet." })).status).toBe(
      201,
    );
    const page = browser.page;
    // A visitor arriving after the incident opened: not the previous test's cached empty data.
    const devtools = await browser.context.newCDPSession(page);
    await devtools.send("Network.enable");
    await devtools.send("Network.setCacheDisabled", { cacheDisabled: true });
    const requested: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(siteUrl);
    const banner = page.getByRole("complementary", { name: "Krisinformation från Exempelkommun" });
    await banner.waitFor();
    const link = banner.getByRole("link", { name: "Vattenläcka i centrum" });
    expect(await link.getAttribute("href")).toBe(`${hub.url}/incidents/${incident.slug}`);
    expect(await banner.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await banner.textContent()).toContain("uppdaterad");
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    for (const url of requested) expect([siteUrl, hub.url]).toContain(new URL(url).origin);
    expect(requested).toContain(`${hub.url}/embed.json`);
    expect(await browser.context.cookies()).toEqual([]);
  });

  test("the iframe variant shows the same banner and may be framed", async () => {
    const page = browser.page;
    await page.goto(`${siteUrl}/ram`);
    const frame = page.frameLocator("iframe");
    await frame.getByRole("link", { name: "Vattenläcka i centrum" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});
