// Sign-in with the municipality's identity provider against a real OpenID Provider
// (oidc-provider on a loopback port): the full code flow, provisioning by (issuer, subject),
// role mapping, refusal without a role, role loss, pinned roles, sign-out, and every bad input.
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { parseConfig } from "../../src/config";
import { auditLog, people, sessions } from "../../src/db/schema";
import { mapClaimsToRole } from "../../src/domain/people/oidc-roles";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import {
  decodeJwt,
  newSigningKey,
  signIdToken,
  signInAtProvider,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestProvider,
} from "../helpers/oidc-provider";
import { addDepartment } from "../helpers/people";

const PUBLIC_URL = "https://kris.exempel.se";
const SESSION = "__Host-kk_session";
const ROLE_MAP = {
  "kriskanal-admin": { role: "admin" },
  "kriskanal-kommunikator": { role: "communicator" },
  "sg-va-redaktorer": { role: "editor", departments: ["VA-avdelningen"] },
  "kriskanal-lasare": { role: "viewer" },
};

let provider: TestProvider;
let hub: TestHub;
let vaId: string;
/** Rewrites the ID token in the provider's token response, as a forger or a confused provider would. */
let tamper: ((claims: Record<string, unknown>) => Promise<string>) | null = null;

async function tamperingFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  const url = String(input instanceof Request ? input.url : input);
  if (!tamper || !url.endsWith("/token") || !res.ok) return res;
  const body = (await res.json()) as Record<string, unknown>;
  body.id_token = await tamper(decodeJwt(String(body.id_token)));
  return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
}

beforeAll(async () => {
  provider = await startTestProvider({
    redirectUri: `${PUBLIC_URL}/staff/oidc/callback`,
    postLogoutRedirectUri: `${PUBLIC_URL}/staff/login`,
    accounts: {
      "sub-anna": { name: "Anna Admin", email: "anna@exempelkommun.se", roles: ["kriskanal-admin"] },
      "sub-eva": { name: "Eva Ek", email: "eva.ek@exempelkommun.se", roles: ["sg-va-redaktorer"] },
      "sub-kim": { name: "Kim Kommunikatör", email: "kim@exempelkommun.se", roles: ["kriskanal-kommunikator"] },
      "sub-nils": { name: "Nils Noll", email: "nils@exempelkommun.se", roles: ["någon-annan-app"] },
      "sub-vera": { name: "Vera Viewer", email: "vera@exempelkommun.se", roles: ["kriskanal-lasare"] },
      "sub-pia": { name: "Pia Pinnad", email: "pia@exempelkommun.se", roles: ["kriskanal-admin"] },
      "sub-tor": { name: "Tor Tvilling", email: "tor@exempelkommun.se", roles: ["kriskanal-kommunikator"] },
    },
  });
  hub = await startTestHub({
    env: {
      KRISKANAL_PUBLIC_URL: PUBLIC_URL,
      KRISKANAL_OIDC_ISSUER: provider.issuer,
      KRISKANAL_OIDC_CLIENT_ID: TEST_CLIENT_ID,
      KRISKANAL_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      KRISKANAL_OIDC_NAME: "Kommunens konto",
      KRISKANAL_OIDC_ROLE_MAP: JSON.stringify(ROLE_MAP),
    },
    deps: { fetch: tamperingFetch },
  });
  // The provider signs with the real clock; the hub judges expiry by its own (injected) clock.
  hub.clock.set(new Date());
  vaId = await addDepartment(hub, "VA-avdelningen");
});
afterAll(async () => {
  await hub?.close();
  await provider?.close();
});
beforeEach(() => {
  tamper = null;
  hub.clock.set(new Date());
});

interface Browser {
  cookies: Map<string, string>;
  request(path: string, init?: RequestInit): Promise<Response>;
}

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

/** /staff/oidc/start -> the provider's login page -> back to the hub's callback URL. */
async function throughProvider(b: Browser, subject: string, next?: string): Promise<URL> {
  const start = await b.request(`/staff/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  expect(start.status).toBe(303);
  const back = await signInAtProvider(must(start.headers.get("location"), "the provider's address"), subject);
  expect(back.origin).toBe(PUBLIC_URL);
  expect(back.pathname).toBe("/staff/oidc/callback");
  return back;
}

async function signInAs(subject: string, b = browser(), next?: string) {
  const back = await throughProvider(b, subject, next);
  const res = await b.request(back.pathname + back.search);
  return { b, res };
}

async function personBySubject(subject: string) {
  const [row] = await hub.deps.db
    .select()
    .from(people)
    .where(and(eq(people.oidcIssuer, provider.issuer), eq(people.oidcSubject, subject)));
  return row;
}

async function counts() {
  const [p] = await hub.deps.db.select({ n: count() }).from(people);
  const [s] = await hub.deps.db.select({ n: count() }).from(sessions);
  return { people: Number(p.n), sessions: Number(s.n) };
}

async function lastRefusal() {
  const rows = await hub.deps.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.action, "session.oidc_refused"))
    .orderBy(auditLog.id);
  return rows.at(-1);
}

describe("sign-in with the identity provider", () => {
  test("the sign-in page offers the provider first, then passwords", async () => {
    const html = await (await browser().request("/staff/login?next=%2Fstaff%2Fincidents")).text();
    const sso = html.indexOf('href="/staff/oidc/start?next=%2Fstaff%2Fincidents">Logga in med Kommunens konto</a>');
    expect(sso).toBeGreaterThan(0);
    expect(html.indexOf('<label for="password">')).toBeGreaterThan(sso);
  });

  test("the full code flow creates the person from the claims and opens a shorter session", async () => {
    const start = await browser().request("/staff/oidc/start");
    const authorization = new URL(must(start.headers.get("location"), "the provider's address"));
    expect(authorization.origin).toBe(provider.issuer);
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization.searchParams.get("redirect_uri")).toBe(`${PUBLIC_URL}/staff/oidc/callback`);
    for (const p of ["state", "nonce", "code_challenge"]) expect(authorization.searchParams.get(p)).toBeTruthy();
    expect(start.headers.get("set-cookie")).toMatch(/__Host-kk_oidc=.*HttpOnly.*Secure.*SameSite=Lax/i);

    const { b, res } = await signInAs("sub-anna", browser(), "/staff/incidents");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/staff/incidents");
    expect(b.cookies.has(SESSION)).toBe(true);
    expect(b.cookies.has("__Host-kk_oidc")).toBe(false);
    const home = await b.request("/staff");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Anna Admin");

    const anna = await personBySubject("sub-anna");
    expect(anna).toMatchObject({
      name: "Anna Admin",
      email: "anna@exempelkommun.se",
      role: "admin",
      passwordHash: null,
    });
    const [session] = await hub.deps.db.select().from(sessions).where(eq(sessions.personId, anna.id));
    expect(session.signedInWith).toBe("oidc");
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(8 * 3_600_000);
    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, anna.id));
    expect(audit.map((a) => a.action)).toEqual(["person.created", "session.signed_in"]);
    expect(audit.every((a) => a.actorSubject === "sub-anna")).toBe(true);
  });

  test("the person is found again by subject, not email, and name and email follow the claims", async () => {
    await signInAs("sub-tor");
    const first = await personBySubject("sub-tor");
    provider.accounts.set("sub-tor", {
      name: "Tor Tvillingsson",
      email: "tor.t@exempelkommun.se",
      roles: ["kriskanal-kommunikator"],
    });
    const { res } = await signInAs("sub-tor");
    expect(res.status).toBe(303);
    const again = await personBySubject("sub-tor");
    expect(again.id).toBe(first.id);
    expect(again).toMatchObject({ name: "Tor Tvillingsson", email: "tor.t@exempelkommun.se" });
  });

  test("a group mapped to editor gets the named department; permissions are the role's", async () => {
    const { b, res } = await signInAs("sub-eva");
    expect(res.status).toBe(303);
    const eva = await personBySubject("sub-eva");
    expect(eva).toMatchObject({ role: "editor", departmentIds: [vaId], departmentId: vaId });
    const csrf = must(
      /name="_csrf" value="([^"]+)"/.exec(await (await b.request("/staff")).text()),
      "the CSRF field",
    )[1];
    const open = await b.request("/api/v1/incidents", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ title: "Vattenläcka", severity: "major" }),
    });
    expect(open.status).toBe(403);
    expect((await open.json()).error.code).toBe("role_forbidden");
  });

  test("claims that map to no role are refused with a Swedish page; nobody is created", async () => {
    const before = await counts();
    const { res } = await signInAs("sub-nils");
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("Du saknar behörighet till Kriskanal");
    expect(html).toContain('lang="sv"');
    expect(await counts()).toEqual(before);
    expect(await personBySubject("sub-nils")).toBeUndefined();
    expect(await lastRefusal()).toMatchObject({ actorSubject: "sub-nils", after: { reason: "no_role" } });
  });

  test("a role lost at the provider ends access at the next sign-in, and the SSO session at 8 hours", async () => {
    const { b } = await signInAs("sub-kim");
    expect((await b.request("/staff")).status).toBe(200);
    hub.clock.advance(8 * 3_600_000 + 60_000);
    expect((await b.request("/staff")).status).toBe(303);

    hub.clock.set(new Date());
    const { b: other } = await signInAs("sub-kim");
    expect((await other.request("/staff")).status).toBe(200);
    provider.accounts.set("sub-kim", { name: "Kim Kommunikatör", email: "kim@exempelkommun.se", roles: [] });
    const { res } = await signInAs("sub-kim");
    expect(res.status).toBe(403);
    // The session opened while the role was held ends too.
    expect((await other.request("/staff")).status).toBe(303);
  });

  test("a role changed at the provider is applied and audited like a manual change", async () => {
    await signInAs("sub-vera");
    const vera = await personBySubject("sub-vera");
    expect(vera.role).toBe("viewer");
    provider.accounts.set("sub-vera", {
      name: "Vera Viewer",
      email: "vera@exempelkommun.se",
      roles: ["kriskanal-kommunikator"],
    });
    await signInAs("sub-vera");
    expect((await personBySubject("sub-vera")).role).toBe("communicator");
    const [change] = await hub.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, vera.id), eq(auditLog.action, "person.updated")));
    expect(change).toMatchObject({
      actorSubject: "sub-vera",
      before: { role: "viewer" },
      after: { role: "communicator", source: "oidc" },
    });
  });

  test("a role pinned by an admin is not overwritten by the claims", async () => {
    await signInAs("sub-pia");
    const pia = await personBySubject("sub-pia");
    const pinned = await api(hub, hub.token).patch(`/api/v1/people/${pia.id}`, { role: "registrar", rolePinned: true });
    expect(pinned.status, pinned.text).toBe(200);
    const { res } = await signInAs("sub-pia");
    expect(res.status).toBe(303);
    expect((await personBySubject("sub-pia")).role).toBe("registrar");
    // Pinned, the person keeps access even when the claims carry no role.
    provider.accounts.set("sub-pia", { name: "Pia Pinnad", email: "pia@exempelkommun.se", roles: [] });
    expect((await signInAs("sub-pia")).res.status).toBe(303);
  });

  test("an SSO admin pins a role on the staff page of a person linked to the provider", async () => {
    await signInAs("sub-tor");
    const tor = await personBySubject("sub-tor");
    const { b } = await signInAs("sub-anna");
    const html = await (await b.request(`/staff/people/${tor.id}`)).text();
    expect(html).toContain("Lås rollen");
    const csrf = must(/name="_csrf" value="([^"]+)"/.exec(html), "the CSRF field")[1];
    const saved = await b.request(`/staff/people/${tor.id}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        _csrf: csrf,
        name: tor.name,
        email: tor.email,
        role: "viewer",
        rolePinnedShown: "1",
        rolePinned: "on",
      }).toString(),
    });
    expect(saved.status).toBe(303);
    expect(await personBySubject("sub-tor")).toMatchObject({ role: "viewer", rolePinned: true });
    await signInAs("sub-tor");
    expect((await personBySubject("sub-tor")).role).toBe("viewer");
    const [pinned] = await hub.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, tor.id), eq(auditLog.actorSubject, "sub-anna")));
    expect(pinned).toMatchObject({ action: "person.updated", after: { rolePinned: true, role: "viewer" } });
  });

  test("signing out ends the hub's session and offers the provider's sign-out", async () => {
    const { b } = await signInAs("sub-anna");
    const csrf = must(
      /name="_csrf" value="([^"]+)"/.exec(await (await b.request("/staff")).text()),
      "the CSRF field",
    )[1];
    const out = await b.request("/staff/logout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/staff/login?utloggad=sso");
    expect((await b.request("/staff")).status).toBe(303);
    const html = await (await b.request("/staff/login?utloggad=sso")).text();
    expect(html).toContain("Du är utloggad från Kriskanal.");
    const link = must(
      /href="([^"]+)">Logga ut från Kommunens konto också/.exec(html),
      "the provider's sign-out link",
    )[1].replaceAll("&amp;", "&");
    const end = new URL(link);
    expect(`${end.origin}${end.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(end.searchParams.get("client_id")).toBe(TEST_CLIENT_ID);
    expect(end.searchParams.get("post_logout_redirect_uri")).toBe(`${PUBLIC_URL}/staff/login`);
    expect((await fetch(end)).status).toBe(200);
  });
});

describe("bad input is refused with a Swedish page and an audit row; nothing is created", () => {
  async function refused(callback: (b: Browser) => Promise<Response>, reason: string) {
    const before = await counts();
    const res = await callback(browser());
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain("Inloggningen misslyckades");
    expect(await counts()).toEqual(before);
    expect((await lastRefusal())?.after).toMatchObject({ reason });
  }
  const reSigned = (change: (claims: Record<string, unknown>) => Record<string, unknown>) => {
    tamper = (claims) => signIdToken(provider.signingKey, change(claims));
  };
  const newcomer = (n: number) => {
    const subject = `sub-ny-${n}`;
    provider.accounts.set(subject, { name: "Ny Person", email: `ny${n}@exempelkommun.se`, roles: ["kriskanal-admin"] });
    return subject;
  };
  let n = 0;

  test("a wrong state", async () => {
    await refused(async (b) => {
      const back = await throughProvider(b, newcomer(++n));
      back.searchParams.set("state", "en-annan-state");
      return b.request(back.pathname + back.search);
    }, "state_mismatch");
  });

  test("a callback in another browser (no sign-in cookie)", async () => {
    await refused(async (b) => {
      const back = await throughProvider(b, newcomer(++n));
      return browser().request(back.pathname + back.search);
    }, "flow_expired");
  });

  test("a wrong nonce", async () => {
    reSigned((claims) => ({ ...claims, nonce: "en-annan-nonce" }));
    await refused(async (b) => {
      const back = await throughProvider(b, newcomer(++n));
      return b.request(back.pathname + back.search);
    }, "nonce_mismatch");
  });

  test("an expired ID token", async () => {
    const now = Math.floor(Date.now() / 1000);
    reSigned((claims) => ({ ...claims, iat: now - 7200, exp: now - 3600 }));
    await refused(async (b) => {
      const back = await throughProvider(b, newcomer(++n));
      return b.request(back.pathname + back.search);
    }, "token_expired");
  });

  test("an ID token signed by a foreign key", async () => {
    const foreign = await newSigningKey();
    tamper = (claims) => signIdToken(foreign.privateKey, claims);
    await refused(async (b) => {
      const back = await throughProvider(b, newcomer(++n));
      return b.request(back.pathname + back.search);
    }, "signature_invalid");
  });

  test("an ID token for another audience", async () => {
    reSigned((claims) => ({ ...claims, aud: "en-annan-tjanst" }));
    await refused(async (b) => {
      const back = await throughProvider(b, newcomer(++n));
      return b.request(back.pathname + back.search);
    }, "audience_mismatch");
  });

  test("an ID token from another issuer", async () => {
    reSigned((claims) => ({ ...claims, iss: "https://login.example.org" }));
    await refused(async (b) => {
      const back = await throughProvider(b, newcomer(++n));
      return b.request(back.pathname + back.search);
    }, "issuer_mismatch");
  });
});

describe("passwords turned off", () => {
  let strict: TestHub;
  beforeAll(async () => {
    strict = await startTestHub({
      env: {
        KRISKANAL_OIDC_ISSUER: provider.issuer,
        KRISKANAL_OIDC_CLIENT_ID: TEST_CLIENT_ID,
        KRISKANAL_OIDC_NAME: "Kommunens konto",
        KRISKANAL_PASSWORD_SIGNIN: "0",
      },
    });
  });
  afterAll(() => strict?.close());

  test("the page shows only the provider, a password post is refused, and API tokens still work", async () => {
    const b = browser(strict);
    const html = await (await b.request("/staff/login")).text();
    expect(html).toContain("Logga in med Kommunens konto");
    expect(html).not.toContain('name="password"');
    const csrf = must(b.cookies.get("__Host-kk_login_csrf"), "the login CSRF cookie");
    const post = await b.request("/staff/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        _csrf: csrf,
        email: "admin@kriskanal.invalid",
        password: "vad som helst",
      }).toString(),
    });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain("Inloggning med lösenord är avstängd");
    expect((await api(strict, strict.token).get("/api/v1/people/me")).status).toBe(200);
  });
});

describe("configuration and role mapping", () => {
  const base = { KRISKANAL_OIDC_CLIENT_ID: "x", KRISKANAL_DEMO: "0" };
  test("an http issuer only on a loopback host; a bad role map names itself", () => {
    expect(() => parseConfig({ ...base, KRISKANAL_OIDC_ISSUER: "http://login.exempel.se" })).toThrow(
      /KRISKANAL_OIDC_ISSUER: must be https/,
    );
    expect(parseConfig({ ...base, KRISKANAL_OIDC_ISSUER: "http://127.0.0.1:8080" }).oidc?.issuer).toBe(
      "http://127.0.0.1:8080",
    );
    expect(() =>
      parseConfig({ ...base, KRISKANAL_OIDC_ISSUER: "https://x.se", KRISKANAL_OIDC_ROLE_MAP: '{"a":{"role":"kung"}}' }),
    ).toThrow(/KRISKANAL_OIDC_ROLE_MAP: a\.role/);
    expect(parseConfig({ ...base }).oidc).toBeUndefined();
  });

  test("the strongest role wins; editor departments by name or id; groups as the role claim", async () => {
    const oidc = {
      roleClaim: "groups",
      roleMap: {
        "g-1": { role: "viewer" as const, departments: [] },
        "g-2": { role: "editor" as const, departments: ["va-avdelningen"] },
        "g-3": { role: "editor" as const, departments: [vaId, "Finns inte"] },
        "g-4": { role: "communicator" as const, departments: [] },
      },
    };
    expect(await mapClaimsToRole(hub.deps.db, oidc, { groups: ["g-1", "g-4"] })).toMatchObject({
      role: "communicator",
    });
    expect(await mapClaimsToRole(hub.deps.db, oidc, { groups: ["g-1", "g-2", "g-3"] })).toEqual({
      role: "editor",
      departmentIds: [vaId],
      unknownDepartments: ["Finns inte"],
    });
    expect(await mapClaimsToRole(hub.deps.db, oidc, { groups: "g-1" })).toMatchObject({ role: "viewer" });
    expect(await mapClaimsToRole(hub.deps.db, oidc, { roles: ["g-4"] })).toBeNull();
    expect(
      await mapClaimsToRole(hub.deps.db, { ...oidc, roleMap: { x: oidc.roleMap["g-3"] } }, { groups: ["y"] }),
    ).toBeNull();
  });
});
