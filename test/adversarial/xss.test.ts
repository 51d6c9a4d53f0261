// The XSS corpus (xss-scenario.ts) rendered in headless Chromium: every public page, feed and
// staff screen, signed in as an admin, once as served and once with the Content-Security-Policy
// header stripped, because the escaping must hold on its own (the CSP is a second wall). A page
// fails on a set canary, a dialog, a CSP refusal of our payloads, or markup a payload could have
// made: an event-handler attribute, a script that is not ours, a frame, or a javascript: URL.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Browser, HAVE_CHROMIUM, launchBrowser, signIn } from "../e2e/browser";
import { type E2eHub, startE2eHub } from "../e2e/start-hub";
import { CANARY, JAVASCRIPT_URL, PAYLOADS, seedXssScenario, type XssScenario } from "./xss-scenario";

let hub: E2eHub;
let browser: Browser;
let s: XssScenario;

interface Check {
  name: string;
  /** Brings the page into the state to check. */
  open(page: Page): Promise<unknown>;
  /** The page shows at least one payload (as text), so that its passing means something. */
  shows?: boolean;
}

const visit = (path: string, shows = true): Omit<Check, "name"> => ({
  open: (page) => page.goto(hub.url + path),
  shows,
});
const q = encodeURIComponent;

/**
 * Chromium downloads some types instead of showing them (application/cap+xml): such a document
 * is opened as what it is, XML (or text), so that the browser parses and shows it all the same.
 */
const visitAs = (path: string, contentType: string): Omit<Check, "name"> => ({
  open: async (page) => {
    const url = hub.url + path;
    await page.route(url, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), "content-type": contentType } });
    });
    try {
      await page.goto(url);
    } finally {
      await page.unroute(url);
    }
  },
  shows: true,
});

/** What the page's DOM holds that only an executed or parsed payload could have put there. */
function inspectDom(canary: string) {
  const found: string[] = [];
  const w = window as unknown as Record<string, unknown>;
  if (w[canary] !== undefined) found.push(`window.${canary} was set`);
  const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"]);
  for (const el of Array.from(document.querySelectorAll("*"))) {
    const name = el.localName.toLowerCase();
    for (const attr of Array.from(el.attributes)) {
      const a = attr.name.toLowerCase();
      if (a.startsWith("on")) found.push(`<${name} ${a}>`);
      if (a === "srcdoc") found.push(`<${name} srcdoc>`);
      if (URL_ATTRS.has(a) && /^\s*(javascript|vbscript|data):/i.test(attr.value))
        found.push(`<${name} ${a}=${attr.value}>`);
    }
    if (name === "script" && !/^(\/staff\/assets\/[\w.-]+|\/push\.js)$/.test(el.getAttribute("src") ?? ""))
      found.push("a script not ours");
    if (["iframe", "frame", "object", "embed", "base"].includes(name)) found.push(`<${name}>`);
  }
  const values = Array.from(document.querySelectorAll("input, textarea")).map(
    (e) => (e as HTMLInputElement).value ?? "",
  );
  const text = `${document.documentElement?.textContent ?? ""} ${values.join(" ")}`;
  return { found, shows: text.includes(canary) };
}

/** Two frames: long enough for parse-time and autofocus handlers to have run. */
const settle = (page: Page) =>
  page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(null)))),
  );

interface Run {
  findings: Record<string, string[]>;
  silent: string[];
}

/** Opens every check in turn; the listeners record dialogs and CSP refusals page by page. */
async function runChecks(context: BrowserContext, page: Page, checks: Check[], run: Run): Promise<void> {
  let current = "";
  const add = (what: string) => {
    run.findings[current] ??= [];
    run.findings[current].push(what);
  };
  const onDialog = async (dialog: { message(): string; dismiss(): Promise<void> }) => {
    add(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  };
  const onConsole = (message: { type(): string; text(): string }) => {
    if (/Content Security Policy|Refused to (execute|load|apply|run)/i.test(message.text())) add(message.text());
  };
  context.on("dialog", onDialog);
  page.on("console", onConsole);
  try {
    for (const check of checks) {
      current = check.name;
      await check.open(page);
      await settle(page);
      const { found, shows } = await page.evaluate(inspectDom, CANARY);
      for (const what of found) add(what);
      if (check.shows && !shows) run.silent.push(check.name);
    }
  } finally {
    context.off("dialog", onDialog);
    page.off("console", onConsole);
  }
}

function signedOutChecks(): Check[] {
  return [
    { name: "sign-in, next=javascript:", ...visit(`/staff/login?next=${q(JAVASCRIPT_URL)}`, false) },
    { name: "sign-in, next=payload", ...visit(`/staff/login?next=${q(PAYLOADS[1])}`, false) },
    {
      name: "sign-in refused, input kept",
      open: async (page) => {
        await page.goto(`${hub.url}/staff/login`);
        await page.getByLabel("E-postadress").fill(PAYLOADS[4]);
        await page.getByLabel("Lösenord").fill(PAYLOADS[1]);
        await page.getByRole("button", { name: "Logga in" }).click();
        await page.waitForSelector(".error-summary");
      },
    },
  ];
}

function publicChecks(): Check[] {
  const checks: Check[] = [
    { name: "home", ...visit("/") },
    { name: "channels", ...visit("/channels") },
    { name: "channels.json", ...visit("/channels.json") },
    { name: "update permalink, edited", ...visit(`/incidents/${s.slug}/updates/1`) },
    { name: "update permalink, withdrawn", ...visit(`/incidents/${s.slug}/updates/2`) },
    { name: "not found, payload path", ...visit(`/incidents/${q(PAYLOADS[0])}`, false) },
    { name: "not found, payload in a deeper path", ...visit(`/finns-inte/${q(PAYLOADS[1])}/${q(PAYLOADS[4])}`, false) },
    { name: "feed.atom", ...visit("/feed.atom") },
    { name: "feed.rss", ...visit("/feed.rss") },
    { name: "feed.json", ...visit("/feed.json") },
    { name: "incident feed.atom", ...visit(`/incidents/${s.slug}/feed.atom`) },
    { name: "incident feed.rss", ...visit(`/incidents/${s.slug}/feed.rss`) },
    { name: "incident feed.json", ...visit(`/incidents/${s.slug}/feed.json`) },
    { name: "cap.atom", ...visit("/cap.atom") },
    { name: "CAP of an update", ...visitAs(`/incidents/${s.slug}/updates/1/cap.xml`, "application/xml") },
    {
      name: "CAP cancel of the withdrawn update",
      ...visitAs(`/incidents/${s.slug}/updates/2/cap-cancel.xml`, "application/xml"),
    },
  ];
  // Each incident's page holds its updates; the permalinks share their partial (checked above).
  for (const slug of s.slugs) checks.push({ name: `incident ${slug}`, ...visit(`/incidents/${slug}`) });
  return checks;
}

function staffChecks(): Check[] {
  const inc = `/staff/incidents/${s.incidentId}`;
  const compose = `${inc}/updates/new`;
  const fillDraft = async (page: Page, body: string) => {
    await page.goto(hub.url + compose);
    await page.getByLabel("Text", { exact: true }).fill(body);
    await page.getByLabel(/^Signatur/).fill(PAYLOADS[3]);
    await page.getByLabel(/^Eller adressen till en bild/).fill(JAVASCRIPT_URL);
    await page.getByLabel("Bildens alternativtext").fill(PAYLOADS[5]);
    // The per-platform texts sit in a closed <details>.
    await page.evaluate(() => {
      for (const d of Array.from(document.querySelectorAll("details"))) d.open = true;
    });
    await page.getByLabel("Text för X").fill(PAYLOADS[2]);
  };
  return [
    { name: "dashboard", ...visit("/staff") },
    { name: "dashboard, notice=payload", ...visit(`/staff?klart=${q(PAYLOADS[0])}`) },
    { name: "incidents", ...visit("/staff/incidents") },
    { name: "open incident", ...visit("/staff/incidents/new", false) },
    {
      name: "open incident refused, input kept",
      open: async (page) => {
        await page.goto(`${hub.url}/staff/incidents/new`);
        await page.getByLabel("Rubrik").fill(PAYLOADS[3]);
        await page.getByLabel(/^Berörda områden/).fill(`${PAYLOADS[4]}, ${PAYLOADS[0]}`);
        await page.getByLabel(/^Sammanfattning/).fill(PAYLOADS.join(" "));
        await page.getByLabel(/^Diarienummer/).fill(PAYLOADS[5]);
        await page.getByRole("button", { name: "Öppna händelsen" }).click();
        await page.waitForSelector(".error-summary");
      },
      shows: true,
    },
    { name: "incident", ...visit(inc) },
    { name: "edit incident", ...visit(`${inc}/edit`) },
    { name: "close incident", ...visit(`${inc}/close`) },
    { name: "compose", ...visit(compose) },
    { name: "compose, kind=payload", ...visit(`${compose}?kind=${q(PAYLOADS[1])}`) },
    {
      name: "compose with the live preview",
      open: async (page) => {
        await fillDraft(page, PAYLOADS.join("\n"));
        await page.waitForFunction(
          (canary) => document.querySelector("#forhandsvisning-innehall")?.textContent?.includes(canary),
          CANARY,
        );
      },
      shows: true,
    },
    {
      // The server-rendered compose page with its preview (the no-JavaScript path) and the summary.
      name: "compose refused, input kept",
      open: async (page) => {
        await fillDraft(page, `Ring 121212-1212. ${PAYLOADS.join(" ")}`);
        await page.getByRole("button", { name: "Publicera" }).click();
        await page.waitForSelector(".error-summary");
      },
      shows: true,
    },
    { name: "board, edited update", ...visit(`/staff/updates/${s.editedUpdateId}`) },
    { name: "board, withdrawn update", ...visit(`/staff/updates/${s.withdrawnUpdateId}`) },
    { name: "board, rejected update", ...visit(`/staff/updates/${s.rejectedUpdateId}`) },
    { name: "board, awaiting approval", ...visit(`/staff/updates/${s.pendingUpdateId}`) },
    { name: "board, table fragment", ...visit(`/staff/updates/${s.editedUpdateId}/deliveries`, false) },
    { name: "edit update", ...visit(`/staff/updates/${s.editedUpdateId}/edit`) },
    { name: "withdraw update", ...visit(`/staff/updates/${s.editedUpdateId}/withdraw`) },
    { name: "accounts", ...visit("/staff/accounts") },
    { name: "accounts, checked=payload", ...visit(`/staff/accounts?kontrollerat=${q(PAYLOADS[1])}`) },
    { name: "compliance", ...visit("/staff/compliance") },
    { name: "account", ...visit(`/staff/accounts/${s.accountId}`) },
    { name: "closed account", ...visit(`/staff/accounts/${s.closedAccountId}`) },
    { name: "edit account", ...visit(`/staff/accounts/${s.accountId}/edit`) },
    { name: "register account, platform=payload", ...visit(`/staff/accounts/new?platform=${q(PAYLOADS[1])}`, false) },
    {
      name: "register account refused, input kept",
      open: async (page) => {
        await page.goto(`${hub.url}/staff/accounts/new?platform=facebook`);
        await page.getByLabel("Kontots namn").fill(PAYLOADS[0]);
        await page.locator("#editors-0-email").fill(PAYLOADS[4]);
        await page.getByRole("button", { name: "Registrera kontot" }).click();
        await page.waitForSelector(".error-summary");
      },
      shows: true,
    },
    { name: "departments", ...visit("/staff/departments") },
    { name: "moderation log", ...visit("/staff/removals") },
    {
      name: "moderation log, filters=payloads",
      ...visit(`/staff/removals?platform=${q(PAYLOADS[1])}&reason=${q(PAYLOADS[4])}&from=${q(PAYLOADS[5])}`, false),
    },
    { name: "removal", ...visit(`/staff/removals/${s.removalId}`) },
    {
      name: "register removal refused, input kept",
      open: async (page) => {
        await page.goto(`${hub.url}/staff/removals/new`);
        await page.locator("#link").fill(JAVASCRIPT_URL);
        await page.locator("#author").fill(PAYLOADS[4]);
        await page.locator("#content").fill(PAYLOADS.join("\n"));
        await page.getByRole("button", { name: "Registrera" }).click();
        await page.waitForSelector(".error-summary");
      },
      shows: true,
    },
    { name: "records", ...visit("/staff/records") },
    { name: "records, period=payloads", ...visit(`/staff/records?from=${q(PAYLOADS[4])}&to=${q(PAYLOADS[1])}`, false) },
    { name: "settings", ...visit("/staff/settings", false) },
    { name: "people", ...visit("/staff/people") },
    { name: "person, the author", ...visit(`/staff/people/${s.authorId}`) },
    { name: "person, the admin", ...visit(`/staff/people/${s.admin.id}`) },
    { name: "password", ...visit("/staff/password") },
    { name: "not found", ...visit(`/staff/updates/${q(PAYLOADS[0])}`, false) },
  ];
}

/** Every check of the suite: signed out, then signed in as the admin (whose name is a payload). */
async function runAll(): Promise<Run> {
  const { context, page } = browser;
  const run: Run = { findings: {}, silent: [] };
  await context.clearCookies();
  await runChecks(context, page, signedOutChecks(), run);
  await signIn(page, hub.url, s.admin.email, s.admin.password);
  await runChecks(context, page, [...publicChecks(), ...staffChecks()], run);
  return run;
}

describe.skipIf(!HAVE_CHROMIUM)("XSS corpus in every field, rendered in Chromium", () => {
  beforeAll(async () => {
    [hub, browser] = await Promise.all([startE2eHub(), launchBrowser()]);
    browser.page.setDefaultTimeout(10_000);
    s = await seedXssScenario(hub);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  test("the inspection sees a payload that does run (so that nothing found means something)", async () => {
    const run: Run = { findings: {}, silent: [] };
    const raw = `<!doctype html><title>x</title><p>${PAYLOADS.slice(0, 3).join("")}</p><a href="${JAVASCRIPT_URL}">x</a>`;
    await browser.page.goto("about:blank");
    await runChecks(browser.context, browser.page, [{ name: "raw", open: (page) => page.setContent(raw) }], run);
    expect(run.findings.raw).toEqual(
      expect.arrayContaining([`window.${CANARY} was set`, "dialog: 1", "<img onerror>", "a script not ours"]),
    );
  });

  test("as served, with the Content-Security-Policy", async () => {
    const run = await runAll();
    expect(run.findings).toEqual({});
    expect(run.silent, "pages that should show a payload as text").toEqual([]);
  }, 120_000);

  test("with the Content-Security-Policy stripped: the escaping holds on its own", async () => {
    const { context } = browser;
    let stripped = 0;
    await context.route(`${hub.url}/**`, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const headers = response.headers();
      if ("content-security-policy" in headers) stripped++;
      delete headers["content-security-policy"];
      await route.fulfill({ response, headers });
    });
    try {
      const run = await runAll();
      expect(run.findings).toEqual({});
      expect(run.silent).toEqual([]);
      expect(stripped, "pages served with a policy to strip").toBeGreaterThan(20);
    } finally {
      await context.unrouteAll({ behavior: "wait" });
    }
  }, 120_000);

  test("a feed reader that renders the feeds' HTML content runs none of it", async () => {
    const { page, context } = browser;
    const html: string[] = [];
    for (const path of ["/feed.json", `/incidents/${s.slug}/feed.json`]) {
      const feed = await (await fetch(hub.url + path)).json();
      // JSON Feed's title, summary and content_text are plain text; only content_html is markup.
      for (const item of feed.items) html.push(item.content_html ?? "");
    }
    // A blank page: no policy of ours protects what a reader would render.
    await page.goto("about:blank");
    for (const path of ["/feed.atom", "/feed.rss", `/incidents/${s.slug}/feed.atom`, "/cap.atom"]) {
      const xml = await (await fetch(hub.url + path)).text();
      html.push(
        ...(await page.evaluate((source) => {
          const doc = new DOMParser().parseFromString(source, "application/xml");
          const htmlTyped = Array.from(doc.querySelectorAll("content, summary, title")).filter(
            (e) => e.getAttribute("type") === "html",
          );
          return [...htmlTyped, ...Array.from(doc.querySelectorAll("description"))].map((e) => e.textContent ?? "");
        }, xml)),
      );
    }
    expect(html.join("")).toContain(CANARY);
    const run: Run = { findings: {}, silent: [] };
    const reader = `<!doctype html><meta charset="utf-8"><title>Läsare</title>${html.map((h) => `<article>${h}</article>`).join("\n")}`;
    await runChecks(
      context,
      page,
      [{ name: "reader", open: (p) => p.setContent(reader, { waitUntil: "load" }), shows: true }],
      run,
    );
    expect(run.findings).toEqual({});
  });
});
