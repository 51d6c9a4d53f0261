// Sign-in with the municipality's identity provider in headless Chromium: the hub's sign-in page,
// the provider's own login page (oidc-provider on a loopback port), back to the staff start
// page, and signing out with the offer to sign out at the provider too.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestProvider, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestProvider } from "../helpers/oidc-provider";
import { type Browser, HAVE_CHROMIUM, launchBrowser } from "./browser";
import { type E2eHub, freePort, startE2eHub } from "./start-hub";

let hub: E2eHub;
let provider: TestProvider;
let browser: Browser;

describe.skipIf(!HAVE_CHROMIUM)("sign-in with the identity provider, in Chromium", () => {
  beforeAll(async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    provider = await startTestProvider({
      redirectUri: `${url}/staff/oidc/callback`,
      postLogoutRedirectUri: `${url}/staff/login`,
      accounts: {
        "sub-e2e": { name: "Sara Sso", email: "sara.sso@exempelkommun.se", roles: ["kriskanal-kommunikator"] },
      },
    });
    [hub, browser] = await Promise.all([
      startE2eHub({
        port,
        env: {
          KRISKANAL_OIDC_ISSUER: provider.issuer,
          KRISKANAL_OIDC_CLIENT_ID: TEST_CLIENT_ID,
          KRISKANAL_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
          KRISKANAL_OIDC_NAME: "Kommunens konto",
          KRISKANAL_OIDC_ROLE_MAP: JSON.stringify({ "kriskanal-kommunikator": { role: "communicator" } }),
        },
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await provider?.close();
  });

  test("through the provider's login page to the start page, and out again", async () => {
    const { page } = browser;
    await page.goto(`${hub.url}/staff`);
    await page.getByRole("link", { name: "Logga in med Kommunens konto" }).click();
    // The provider's own login page (oidc-provider's development interaction).
    await page.waitForURL((u) => u.origin === provider.issuer);
    await page.locator('input[name="login"]').fill("sub-e2e");
    await page.locator('input[name="password"]').fill("valfritt");
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${hub.url}/staff`);
    await expect.poll(() => page.textContent("h1")).toBe("Start");
    expect(await page.textContent("body")).toContain("Sara Sso");

    const { json } = await hub.api("GET", "/api/v1/people?role=communicator");
    expect(json.people.find((p: { email: string }) => p.email === "sara.sso@exempelkommun.se")).toMatchObject({
      oidcSubject: "sub-e2e",
      oidcIssuer: provider.issuer,
    });

    await page.getByRole("button", { name: "Logga ut" }).click();
    await page.waitForURL(`${hub.url}/staff/login?utloggad=sso`);
    const offer = page.getByRole("link", { name: "Logga ut från Kommunens konto också" });
    expect(await offer.getAttribute("href")).toMatch(new RegExp(`^${provider.issuer}/session/end\\?`));
  });
});
