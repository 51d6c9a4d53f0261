// Linking a person who already has a password account to the identity provider: refused by
// default (oidc_email_taken), linked at the next sign-in once an admin has marked the person on
// the staff page; the mark lapses, can be taken back, and every step is in the audit log with the
// provider's subject next to the actor's name.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { auditLog, people } from "../../src/db/schema";
import { OIDC_LINK_DAYS } from "../../src/domain/people/oidc-link";
import { REGISTERS, recordOf } from "../../src/domain/records/archive-registers";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import {
  signInAtProvider,
  startTestProvider,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestProvider,
} from "../helpers/oidc-provider";
import { addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff } from "./staff-browser";

const PUBLIC_URL = "https://kris.exempel.se";
const PASSWORD = "Ett-långt-lösenord-2026";

let provider: TestProvider;
let hub: TestHub;
let admin: StaffBrowser;

beforeAll(async () => {
  provider = await startTestProvider({
    redirectUri: `${PUBLIC_URL}/staff/oidc/callback`,
    postLogoutRedirectUri: `${PUBLIC_URL}/staff/login`,
    accounts: {
      "sub-lena": { name: "Lena Lind", email: "Lena.Lind@exempelkommun.se", roles: ["kriskanal-kommunikator"] },
      "sub-olle": { name: "Olle Ort", email: "olle@exempelkommun.se", roles: ["kriskanal-kommunikator"] },
      "sub-siv": { name: "Siv Sen", email: "siv@exempelkommun.se", roles: ["kriskanal-kommunikator"] },
      "sub-anna": { name: "Anna Admin", email: "anna@exempelkommun.se", roles: ["kriskanal-admin"] },
    },
  });
  hub = await startTestHub({
    env: {
      KRISKANAL_PUBLIC_URL: PUBLIC_URL,
      KRISKANAL_OIDC_ISSUER: provider.issuer,
      KRISKANAL_OIDC_CLIENT_ID: TEST_CLIENT_ID,
      KRISKANAL_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      KRISKANAL_OIDC_NAME: "Kommunens konto",
      KRISKANAL_OIDC_ROLE_MAP: JSON.stringify({
        "kriskanal-kommunikator": { role: "communicator" },
        "kriskanal-admin": { role: "admin" },
      }),
    },
  });
  // The provider signs with the real clock; the hub judges expiry by its own (injected) clock.
  hub.clock.set(new Date());
  const boss = await addPerson(hub, { role: "admin", name: "Berit Chef", password: PASSWORD });
  admin = await signInStaff(hub, boss.email, PASSWORD);
});
afterAll(async () => {
  await hub?.close();
  await provider?.close();
});
beforeEach(() => {
  hub.clock.set(new Date());
});

/** A browser through /staff/oidc/start, the provider's login page and the hub's callback. */
async function signInWithProvider(subject: string) {
  const cookies = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await hub.app.request(path, { ...init, headers }, { deps: hub.deps });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(";")[0];
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (!value || /max-age=0/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  };
  const start = await request("/staff/oidc/start");
  expect(start.status).toBe(303);
  const back = await signInAtProvider(must(start.headers.get("location"), "the provider's address"), subject);
  const res = await request(back.pathname + back.search);
  return { res, request };
}

async function personById(id: string) {
  const [row] = await hub.deps.db.select().from(people).where(eq(people.id, id));
  return row;
}

async function auditOf(id: string, action: string) {
  return hub.deps.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityId, id), eq(auditLog.action, action)))
    .orderBy(auditLog.id);
}

function markForLink(id: string, link: boolean) {
  return admin.post(`/staff/people/${id}/oidc-link`, { link: link ? "1" : "0" });
}

describe("linking an existing person to the identity provider", () => {
  test("refused at first; linked at the next sign-in once an admin has marked the person", async () => {
    const lena = await addPerson(hub, {
      role: "viewer",
      name: "Lena L",
      email: "lena.lind@exempelkommun.se",
      password: PASSWORD,
    });
    const refused = await signInWithProvider("sub-lena");
    expect(refused.res.status).toBe(409);
    expect(await refused.res.text()).toContain("koppla den personen till inloggningen via kommunens konto");
    expect((await personById(lena.id)).oidcSubject).toBeNull();

    const page = await admin.get(`/staff/people/${lena.id}`);
    expect(page.html).toContain("Koppla till inloggning via Kommunens konto");
    const marked = await markForLink(lena.id, true);
    expect(marked.status).toBe(303);
    expect(marked.location).toBe(`/staff/people/${lena.id}?koppling=kopplas`);
    const waiting = await personById(lena.id);
    expect(waiting).toMatchObject({ oidcLinkIssuer: provider.issuer, oidcSubject: null });
    expect(must(waiting.oidcLinkUntil, "the link's deadline").getTime()).toBe(
      hub.clock.now().getTime() + OIDC_LINK_DAYS * 86_400_000,
    );
    const [requested] = await auditOf(lena.id, "person.oidc_link_requested");
    expect(requested).toMatchObject({ actorName: "Berit Chef", actorSubject: null });
    expect((await admin.get(`/staff/people/${lena.id}`)).html).toContain("Ångra kopplingen");

    const { res, request } = await signInWithProvider("sub-lena");
    expect(res.status).toBe(303);
    const home = await request("/staff");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Lena Lind");
    const linked = await personById(lena.id);
    expect(linked).toMatchObject({
      oidcIssuer: provider.issuer,
      oidcSubject: "sub-lena",
      oidcLinkIssuer: null,
      oidcLinkUntil: null,
      name: "Lena Lind",
      role: "communicator",
    });
    const [link] = await auditOf(lena.id, "person.oidc_linked");
    expect(link).toMatchObject({
      actorSubject: "sub-lena",
      before: { oidcSubject: null },
      after: { oidcSubject: "sub-lena", source: "oidc" },
    });

    // Linked, the person page offers no link, and the log names the subject next to the name.
    const after = (await admin.get(`/staff/people/${lena.id}`)).html;
    expect(after).not.toContain("Koppla till inloggning");
    expect(after).toMatch(
      /Lena Lind <span class="meta">\(inloggad via identitetsleverantören som <code>sub-lena<\/code>\)/,
    );
    expect(after).toContain("<code>person.oidc_linked</code>");
    expect((await markForLink(lena.id, true)).html).toContain("Personen loggar redan in med kommunens konto.");
  });

  test("a mark taken back, or one that lapsed, leaves the sign-in refused", async () => {
    const olle = await addPerson(hub, { role: "viewer", email: "olle@exempelkommun.se", password: PASSWORD });
    expect((await markForLink(olle.id, true)).status).toBe(303);
    const cancelled = await markForLink(olle.id, false);
    expect(cancelled.status).toBe(303);
    expect((await personById(olle.id)).oidcLinkIssuer).toBeNull();
    expect(await auditOf(olle.id, "person.oidc_link_cancelled")).toHaveLength(1);
    expect((await signInWithProvider("sub-olle")).res.status).toBe(409);

    const siv = await addPerson(hub, { role: "viewer", email: "siv@exempelkommun.se", password: PASSWORD });
    hub.clock.set(new Date(Date.now() - (OIDC_LINK_DAYS + 1) * 86_400_000));
    expect((await markForLink(siv.id, true)).status).toBe(303);
    hub.clock.set(new Date());
    expect((await signInWithProvider("sub-siv")).res.status).toBe(409);
    expect((await personById(siv.id)).oidcSubject).toBeNull();
  });

  test("a person disabled after the mark is not let in by it", async () => {
    provider.accounts.set("sub-dora", { name: "Dora D", email: "dora@exempelkommun.se", roles: ["kriskanal-admin"] });
    const dora = await addPerson(hub, { role: "viewer", email: "dora@exempelkommun.se", password: PASSWORD });
    expect((await markForLink(dora.id, true)).status).toBe(303);
    expect((await api(hub, hub.token).patch(`/api/v1/people/${dora.id}`, { disabled: true })).status).toBe(200);
    expect((await signInWithProvider("sub-dora")).res.status).toBe(403);
    expect((await personById(dora.id)).oidcSubject).toBeNull();
  });

  test("an admin signed in through the provider is named by subject in the audit log and the archive", async () => {
    const { request } = await signInWithProvider("sub-anna");
    const target = await addPerson(hub, { role: "viewer", email: "tage@exempelkommun.se", password: PASSWORD });
    const page = await (await request(`/staff/people/${target.id}`)).text();
    const csrf = must(/name="_csrf" value="([^"]+)"/.exec(page), "the CSRF field")[1];
    const marked = await request(`/staff/people/${target.id}/oidc-link`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf, link: "1" }).toString(),
    });
    expect(marked.status).toBe(303);
    const [requested] = await auditOf(target.id, "person.oidc_link_requested");
    expect(requested).toMatchObject({ actorName: "Anna Admin", actorSubject: "sub-anna" });
    expect(await (await request(`/staff/people/${target.id}`)).text()).toMatch(
      /Anna Admin <span class="meta">\(inloggad via identitetsleverantören som <code>sub-anna<\/code>\)/,
    );

    const register = must(
      REGISTERS.find((r) => r.name === "audit-log"),
      "the audit-log register",
    );
    const rows: Record<string, unknown>[] = [];
    const period = { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000) };
    for await (const pageOfRows of register.rows(hub.deps.db, { incidents: [], period, publicUrl: PUBLIC_URL })) {
      rows.push(...pageOfRows.map((row) => recordOf(register, row)));
    }
    expect(rows.find((r) => r.action === "person.oidc_link_requested" && r.entity_id === target.id)).toMatchObject({
      actor_name: "Anna Admin",
      actor_subject: "sub-anna",
    });
    expect(register.columns.map((c) => c.header).slice(2, 5)).toEqual(["actor_id", "actor_name", "actor_subject"]);
  });
});
