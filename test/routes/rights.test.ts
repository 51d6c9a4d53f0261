import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { accounts, auditLog, people, type Role } from "../../src/db/schema";
import { checkAllAccountRights, checkDueAccountRights, rightsBlock } from "../../src/domain/accounts/rights";
import { issueToken } from "../../src/domain/people/tokens";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
let sandbox: RunningSandbox;
const ids: Record<string, string> = {};

async function tokenFor(role: Role) {
  const now = hub.clock.now();
  const [person] = await hub.deps.db
    .insert(people)
    .values({
      name: `Test ${role}`,
      email: `${role}-${crypto.randomUUID()}@exempel.se`,
      role,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return (await issueToken(hub.deps.db, person.id, "test", now)).token;
}

const accountRow = async (id: string) => (await hub.deps.db.select().from(accounts).where(eq(accounts.id, id)))[0];

beforeAll(async () => {
  sandbox = await startSandbox();
  hub = await startTestHub();
  const admin = api(hub, hub.token);
  for (const account of sandbox.accounts()) {
    const res = await admin.post("/api/v1/accounts", { ...account, sandbox: true });
    expect(res.status, res.text).toBe(201);
    ids[account.platform] = res.json.id;
  }
});
afterAll(async () => {
  await hub?.close();
  await sandbox?.close();
});
beforeEach(() => sandbox.reset());

describe("rights checks", () => {
  test("every platform's sandbox confirms publishing rights, and the result is recorded and audited", async () => {
    const admin = api(hub, hub.token);
    for (const [platform, id] of Object.entries(ids)) {
      const res = await admin.post(`/api/v1/accounts/${id}/verify`);
      expect(res.status, `${platform}: ${res.text}`).toBe(200);
      expect(res.json.ok, `${platform}: ${res.json.rights.detail}`).toBe(true);
      expect(res.json.rights).toMatchObject({ status: "ok", class: null });
      expect(res.json.rights.checkedAt).toBe(hub.clock.now().toISOString());
      expect(res.json.account).toMatchObject({ id, hasCredential: true, rightsStatus: "ok" });
    }
    const row = await accountRow(ids.mastodon);
    expect(row.rightsStatus).toBe("ok");
    expect(row.rightsCheckedAt?.toISOString()).toBe(hub.clock.now().toISOString());
    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.accountId, ids.mastodon));
    const checked = audit.filter((a) => a.action === "account.rights_checked");
    expect(checked.length).toBeGreaterThanOrEqual(1);
    expect(checked.at(-1)?.after).toMatchObject({ rightsStatus: "ok" });
    expect(checked.at(-1)?.actorName).toBe("Systemadministratör");
  });

  test("withdrawn publishing rights flag the account with class rights, and the dispatcher is told to fail fast", async () => {
    sandbox.control("mastodon").restrict();
    const res = await api(hub, hub.token).post(`/api/v1/accounts/${ids.mastodon}/verify`);
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(false);
    expect(res.json.rights).toMatchObject({ status: "failing", class: "rights" });
    expect(res.json.rights.detail).toContain("403");
    const block = rightsBlock(await accountRow(ids.mastodon));
    expect(block).toMatchObject({ class: "rights" });
    expect(block?.message).toContain("behörighetskontrollen misslyckades");
  });

  test("a revoked token flags the account with class auth; a passing check lifts the flag", async () => {
    sandbox.control("x").revoke();
    const failed = await api(hub, hub.token).post(`/api/v1/accounts/${ids.x}/verify`);
    expect(failed.json.rights).toMatchObject({ status: "failing", class: "auth" });
    expect(rightsBlock(await accountRow(ids.x))).toMatchObject({ class: "auth" });
    sandbox.control("x").revoke(false);
    const passed = await api(hub, hub.token).post(`/api/v1/accounts/${ids.x}/verify`);
    expect(passed.json.ok).toBe(true);
    expect(rightsBlock(await accountRow(ids.x))).toBeNull();
  });

  test("a platform that cannot be reached leaves the rights unknown, not flagged", async () => {
    sandbox.control("threads").failNext({ status: 503, times: 5 });
    const res = await api(hub, hub.token).post(`/api/v1/accounts/${ids.threads}/verify`);
    expect(res.json.rights).toMatchObject({ status: "unknown", class: "retry" });
    expect(rightsBlock(await accountRow(ids.threads))).toBeNull();
  });

  test("an account without a credential fails the check with class auth", async () => {
    const res = await api(hub, hub.token).post("/api/v1/accounts", {
      platform: "mastodon",
      handle: "utanlosen",
      baseUrl: sandbox.baseUrlFor("mastodon"),
      credential: { accessToken: "will-be-removed" },
    });
    expect(res.status, res.text).toBe(201);
    // The API always takes a credential; an account documented from elsewhere may lack one.
    await hub.deps.db.update(accounts).set({ credentialCiphertext: null }).where(eq(accounts.id, res.json.id));
    const verified = await api(hub, hub.token).post(`/api/v1/accounts/${res.json.id}/verify`);
    expect(verified.json.rights).toMatchObject({ status: "failing", class: "auth" });
    expect(verified.json.rights.detail).toContain("inga inloggningsuppgifter");
    expect(sandbox.state("mastodon").requests).toHaveLength(0);
  });

  test("communicators may verify; editors and viewers may not; unknown and closed accounts are refused", async () => {
    const path = `/api/v1/accounts/${ids.telegram}/verify`;
    expect((await api(hub, await tokenFor("communicator")).post(path)).status).toBe(200);
    expect((await api(hub, await tokenFor("editor")).post(path)).status).toBe(403);
    expect((await api(hub, await tokenFor("viewer")).post(path)).status).toBe(403);
    expect((await api(hub).post(path)).status).toBe(401);
    const unknown = await api(hub, hub.token).post("/api/v1/accounts/00000000-0000-4000-8000-000000000000/verify");
    expect(unknown.status).toBe(404);
    expect((await api(hub, hub.token).post("/api/v1/accounts/not-a-uuid/verify")).status).toBe(400);
    const closed = await api(hub, hub.token).post("/api/v1/accounts", {
      platform: "mastodon",
      handle: "stangt",
      baseUrl: sandbox.baseUrlFor("mastodon"),
      credential: { accessToken: "closed-account-token" },
      status: "closed",
    });
    expect((await api(hub, hub.token).post(`/api/v1/accounts/${closed.json.id}/verify`)).status).toBe(409);
  });

  test("the scheduled run checks every active account, and only those not checked within the day", async () => {
    const active = (await hub.deps.db.select().from(accounts).where(eq(accounts.status, "active"))).length;
    const all = await checkAllAccountRights(hub.deps);
    expect(all.checked).toBe(active);
    expect(all.ok).toBe(Object.keys(ids).length);
    // Just checked: nothing is due.
    hub.clock.advance(60 * 60 * 1000);
    expect((await checkDueAccountRights(hub.deps)).checked).toBe(0);
    // A day later every account is due again, and a withdrawn right is caught without anyone asking.
    sandbox.control("facebook").restrict();
    hub.clock.advance(23 * 60 * 60 * 1000);
    const daily = await checkDueAccountRights(hub.deps);
    expect(daily.checked).toBe(active);
    const facebook = await accountRow(ids.facebook);
    expect(facebook.rightsStatus).toBe("failing");
    expect(facebook.rightsCheckedAt?.toISOString()).toBe(hub.clock.now().toISOString());
    const systemAudit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.actorName, "Kriskanal (system)"));
    expect(systemAudit.some((a) => a.action === "account.rights_checked" && a.accountId === ids.facebook)).toBe(true);
  });
});
