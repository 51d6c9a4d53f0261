// Staff sign-in: argon2id passwords, session cookies, CSRF on every form and on API writes made
// with the cookie, throttling of failed sign-ins (test clock), sign-out and password change.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog, sessions } from "../../src/db/schema";
import { sha256Hex } from "../../src/domain/accounts/secrets";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addPerson, type TestPerson } from "../helpers/people";

const PASSWORD = "Korrekt hästbatteri 2026";
const COOKIE = "__Host-kk_session";

let hub: TestHub;
let anna: TestPerson;
beforeAll(async () => {
  hub = await startTestHub();
  anna = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
});
afterAll(() => hub.close());

interface Browser {
  cookies: Map<string, string>;
  request(path: string, init?: RequestInit): Promise<Response>;
}

/** Keeps cookies between requests, as a browser would (for one host, ignoring expiry). */
function browser(h: TestHub = hub): Browser {
  const cookies = new Map<string, string>();
  return {
    cookies,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (cookies.size) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      const res = await h.app.request(path, { ...init, headers }, { deps: h.deps });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(";");
        const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
        if (!value || /max-age=0/i.test(line)) cookies.delete(name);
        else cookies.set(name, value);
      }
      return res;
    },
  };
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

function hiddenCsrf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no _csrf field on the page");
  return m[1];
}

async function signIn(b: Browser, email: string, password: string, next?: string) {
  const page = await b.request(`/staff/login${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  const html = await page.text();
  const fields: Record<string, string> = { _csrf: hiddenCsrf(html), email, password };
  if (next) fields.next = next;
  return b.request("/staff/login", form(fields));
}

describe("staff sign-in", () => {
  test("signed out, /staff sends you to sign in and back; the page is Swedish and private", async () => {
    const b = browser();
    const home = await b.request("/staff");
    expect(home.status).toBe(303);
    expect(home.headers.get("location")).toBe("/staff/login?next=%2Fstaff");
    const page = await b.request("/staff/login?next=%2Fstaff");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const html = await page.text();
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain('<label for="email">E-postadress</label>');
    expect(html).toContain('<label for="password">Lösenord</label>');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).toContain('name="next" value="/staff"');
  });

  test("signing in sets an HttpOnly, Secure, SameSite=Lax session cookie stored only as its hash", async () => {
    const b = browser();
    // Emails are compared without regard to case.
    const res = await signIn(b, anna.email.toUpperCase(), PASSWORD, "/staff");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff");
    const set = must(
      res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`)),
      "a session cookie",
    );
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/Secure/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).toMatch(/Path=\//);
    const cookie = must(b.cookies.get(COOKIE), "the session cookie");
    const rows = await hub.deps.db.select().from(sessions).where(eq(sessions.personId, anna.id));
    expect(rows.map((r) => r.tokenHash)).toContain(await sha256Hex(cookie));
    expect(JSON.stringify(rows)).not.toContain(cookie);
    const home = await b.request("/staff");
    expect(home.status).toBe(200);
    expect(home.headers.get("cache-control")).toBe("private, no-store");
    expect(await home.text()).toContain("Inloggad som <strong>Anna Andersson</strong> (kommunikatör)");
    const [audit] = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, "session.signed_in"));
    expect(audit).toMatchObject({ actorId: anna.id, entityId: anna.id });
    expect(JSON.stringify(audit)).not.toContain(cookie);
  });

  test("wrong password or unknown email: the same message, 401, and no cookie", async () => {
    for (const [email, password] of [
      [anna.email, "fel lösenord helt och hållet"],
      ["ingen@exempelkommun.se", PASSWORD],
    ]) {
      const b = browser();
      const res = await signIn(b, email, password);
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain("Fel e-postadress eller lösenord.");
      expect(html).toContain('class="error-summary" role="alert"');
      expect(html).toContain("<title>Fel: Logga in");
      expect(b.cookies.has(COOKIE)).toBe(false);
    }
  });

  test("the sign-in form is refused without its CSRF token", async () => {
    const b = browser();
    await b.request("/staff/login");
    const missing = await b.request("/staff/login", form({ email: anna.email, password: PASSWORD }));
    expect(missing.status).toBe(403);
    const wrong = await b.request("/staff/login", form({ _csrf: "csrf_fel", email: anna.email, password: PASSWORD }));
    expect(wrong.status).toBe(403);
    expect(b.cookies.has(COOKIE)).toBe(false);
  });

  test("a form post with the session needs the session's CSRF token; API writes need the header", async () => {
    const b = browser();
    await signIn(b, anna.email, PASSWORD);
    const csrf = hiddenCsrf(await (await b.request("/staff/password")).text());
    const noToken = await b.request(
      "/staff/password",
      form({ currentPassword: PASSWORD, newPassword: "x".repeat(20) }),
    );
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain("säkerhetskoden");
    const wrongToken = await b.request(
      "/staff/password",
      form({ _csrf: `${csrf}x`, currentPassword: PASSWORD, newPassword: "x".repeat(20) }),
    );
    expect(wrongToken.status).toBe(403);

    expect((await b.request("/api/v1/people/me")).status).toBe(200);
    const incident = { title: "Brand i skolan", severity: "major" };
    const json = { "content-type": "application/json" };
    const noHeader = await b.request("/api/v1/incidents", {
      method: "POST",
      headers: json,
      body: JSON.stringify(incident),
    });
    expect(noHeader.status).toBe(403);
    const badHeader = await b.request("/api/v1/incidents", {
      method: "POST",
      headers: { ...json, "x-csrf-token": "csrf_nej" },
      body: JSON.stringify(incident),
    });
    expect(badHeader.status).toBe(403);
    const ok = await b.request("/api/v1/incidents", {
      method: "POST",
      headers: { ...json, "x-csrf-token": csrf },
      body: JSON.stringify(incident),
    });
    expect(ok.status).toBe(201);
    const [opened] = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, "incident.opened"));
    expect(opened.actorId).toBe(anna.id);
  });

  test("signing out ends the session", async () => {
    const b = browser();
    await signIn(b, anna.email, PASSWORD);
    const cookie = must(b.cookies.get(COOKIE), "the session cookie");
    const csrf = hiddenCsrf(await (await b.request("/staff")).text());
    expect((await b.request("/staff/logout", form({}))).status).toBe(403);
    const out = await b.request("/staff/logout", form({ _csrf: csrf }));
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/staff/login");
    expect(b.cookies.has(COOKIE)).toBe(false);
    const replay = await hub.app.request("/staff", { headers: { cookie: `${COOKIE}=${cookie}` } }, { deps: hub.deps });
    expect(replay.status).toBe(303);
    const api401 = await hub.app.request(
      "/api/v1/people/me",
      { headers: { cookie: `${COOKIE}=${cookie}` } },
      { deps: hub.deps },
    );
    expect(api401.status).toBe(401);
  });

  test("a session expires after 12 hours", async () => {
    const b = browser();
    await signIn(b, anna.email, PASSWORD);
    hub.clock.advance(11 * 3_600_000);
    expect((await b.request("/staff")).status).toBe(200);
    hub.clock.advance(3_600_000 + 1);
    expect((await b.request("/staff")).status).toBe(303);
  });

  test("after 5 failures in 15 minutes sign-in is refused with 429, then allowed when the window passes", async () => {
    const p = await addPerson(hub, { role: "viewer", password: PASSWORD });
    const b = browser();
    for (let i = 0; i < 5; i++) {
      expect((await signIn(b, p.email, `fel-lösenord-${i}`)).status).toBe(401);
      hub.clock.advance(60_000);
    }
    const refused = await signIn(b, p.email, PASSWORD);
    expect(refused.status).toBe(429);
    // The oldest failure (5 minutes ago) leaves the window 15 minutes after it happened.
    expect(refused.headers.get("retry-after")).toBe(String(10 * 60));
    expect(await refused.text()).toContain("För många misslyckade inloggningar");
    expect(b.cookies.has(COOKIE)).toBe(false);
    // Unknown emails are throttled the same way, so throttling tells nobody who exists.
    for (let i = 0; i < 5; i++) await signIn(browser(), "okand@exempelkommun.se", "gissning");
    expect((await signIn(browser(), "okand@exempelkommun.se", "gissning")).status).toBe(429);
    hub.clock.advance(10 * 60_000);
    const allowed = await signIn(b, p.email, PASSWORD);
    expect(allowed.status).toBe(303);
    expect(b.cookies.has(COOKIE)).toBe(true);
  });

  test("a password change checks the current one, ends other sessions and keeps this one", async () => {
    const p = await addPerson(hub, { role: "communicator", password: PASSWORD });
    const here = browser();
    const elsewhere = browser();
    await signIn(here, p.email, PASSWORD);
    await signIn(elsewhere, p.email, PASSWORD);
    const csrf = hiddenCsrf(await (await here.request("/staff/password")).text());
    const wrong = await here.request(
      "/staff/password",
      form({
        _csrf: csrf,
        currentPassword: "inte mitt lösenord",
        newPassword: "nytt lösenord 2026",
        confirmPassword: "nytt lösenord 2026",
      }),
    );
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('href="#currentPassword"');
    expect(wrongHtml).toContain('aria-invalid="true" aria-describedby="currentPassword-fel"');
    const short = await here.request(
      "/staff/password",
      form({ _csrf: csrf, currentPassword: PASSWORD, newPassword: "kort", confirmPassword: "kort" }),
    );
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("minst 12 tecken");
    const changed = await here.request(
      "/staff/password",
      form({
        _csrf: csrf,
        currentPassword: PASSWORD,
        newPassword: "nytt lösenord 2026",
        confirmPassword: "nytt lösenord 2026",
      }),
    );
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain("Lösenordet är bytt");
    expect((await here.request("/staff")).status).toBe(200);
    expect((await elsewhere.request("/staff")).status).toBe(303);
    expect((await signIn(browser(), p.email, PASSWORD)).status).toBe(401);
    expect((await signIn(browser(), p.email, "nytt lösenord 2026")).status).toBe(303);
    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, "person.password_changed"));
    expect(audit.map((a) => a.actorId)).toEqual([p.id]);
  });

  test("a disabled person cannot sign in, and their sessions end", async () => {
    const p = await addPerson(hub, { role: "communicator", password: PASSWORD });
    const b = browser();
    await signIn(b, p.email, PASSWORD);
    expect((await b.request("/staff")).status).toBe(200);
    await api(hub, hub.token).patch(`/api/v1/people/${p.id}`, { disabled: true });
    expect((await b.request("/staff")).status).toBe(303);
    expect((await signIn(browser(), p.email, PASSWORD)).status).toBe(401);
  });

  test("next never leads off the staff interface", async () => {
    const res = await signIn(browser(), anna.email, PASSWORD, "https://elak.example/staff");
    expect(res.headers.get("location")).toBe("/staff");
    const res2 = await signIn(browser(), anna.email, PASSWORD, "//elak.example/staff");
    expect(res2.headers.get("location")).toBe("/staff");
  });

  test("over plain HTTP in local development the cookie is not Secure and has no __Host- prefix", async () => {
    const local = await startTestHub({ env: { KRISKANAL_PUBLIC_URL: "http://localhost:3000" } });
    try {
      const p = await addPerson(local, { role: "viewer", password: PASSWORD });
      const b = browser(local);
      const res = await signIn(b, p.email, PASSWORD);
      expect(res.status).toBe(303);
      const set = must(
        res.headers.getSetCookie().find((c) => c.startsWith("kk_session=")),
        "a session cookie",
      );
      expect(set).toMatch(/HttpOnly/);
      expect(set).toMatch(/SameSite=Lax/);
      expect(set).not.toMatch(/Secure/);
    } finally {
      await local.close();
    }
  });
});
