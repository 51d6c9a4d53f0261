// The account registry's rules, called as domain functions on a real database.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, auditLog, departments } from "../../src/db/schema";
import {
  editAccount,
  ensureSandboxAccounts,
  listAccounts,
  registerAccount,
  toAccountView,
} from "../../src/domain/accounts/accounts";
import { openJson } from "../../src/domain/accounts/secrets";
import type { Actor } from "../../src/domain/people/actor";
import { readPublicRevision } from "../../src/domain/publishing/organisation";
import { ConflictError, ForbiddenError, toHttpError } from "../../src/errors";
import { sandboxAccounts } from "../../src/sandbox/index";
import { SYSTEM_ACTOR, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const admin: Actor = SYSTEM_ACTOR;
const communicator: Actor = { id: "", name: "Kim", role: "communicator", departmentIds: [], via: "token" };

async function fieldsOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e) => e,
  );
  const mapped = toHttpError(error);
  expect(mapped?.status).toBe(400);
  return mapped?.body.error.fields?.map((f) => f.field);
}

describe("registerAccount", () => {
  test("seals the credential, defaults the API base, and records an audit row without the secret", async () => {
    const account = await registerAccount(hub.deps, admin, {
      platform: "bluesky",
      handle: "@exempelkommun.bsky.social",
      credential: { identifier: "exempelkommun.bsky.social", password: "abcd-efgh-ijkl-mnop" },
    });
    expect(account.handle).toBe("exempelkommun.bsky.social");
    expect(account.baseUrl).toBe("https://bsky.social");
    expect(account.credentialCiphertext).not.toContain("abcd-efgh");
    // "password" is what people call it; the adapter's field is appPassword.
    expect(await openJson(hub.deps.secretKey, account.credentialCiphertext as string)).toEqual({
      identifier: "exempelkommun.bsky.social",
      appPassword: "abcd-efgh-ijkl-mnop",
    });
    const view = toAccountView(account);
    expect(view.hasCredential).toBe(true);
    expect(JSON.stringify(view)).not.toContain('credential"');
    const [audit] = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, account.id));
    expect(audit.action).toBe("account.registered");
    expect(JSON.stringify(audit)).not.toContain("abcd-efgh");
  });

  test("names every wrong field: handle format, platform options, credential fields", async () => {
    expect(
      await fieldsOf(
        registerAccount(hub.deps, admin, {
          platform: "facebook",
          handle: "!!",
          credential: { pageAccessToken: "x", stray: "y" },
        }),
      ),
    ).toEqual(["handle", "options.pageId", "credential.userAccessToken", "credential.stray"]);
    expect(await listAccounts(hub.deps.db, { platform: "facebook" })).toEqual([]);
  });

  test("a credential is optional: an account can be registered before the hub has a login", async () => {
    const account = await registerAccount(hub.deps, admin, { platform: "x", handle: "exempel_vatten" });
    expect(account.credentialCiphertext).toBeNull();
    expect(toAccountView(account).hasCredential).toBe(false);
  });

  test("a duplicate (platform, handle) is a conflict, whatever the case or @", async () => {
    await expect(registerAccount(hub.deps, admin, { platform: "x", handle: "@EXEMPEL_vatten" })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  test("only admins manage accounts", async () => {
    await expect(registerAccount(hub.deps, communicator, { platform: "x", handle: "annat" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  test("a retired department cannot own a new account", async () => {
    const now = hub.clock.now();
    const [retired] = await hub.deps.db
      .insert(departments)
      .values({ name: "Gamla förvaltningen", createdAt: now, retiredAt: now })
      .returning();
    expect(
      await fieldsOf(registerAccount(hub.deps, admin, { platform: "x", handle: "gamla", departmentId: retired.id })),
    ).toEqual(["departmentId"]);
  });

  test("every registry change bumps the public revision (the channel list is cached on it)", async () => {
    const before = await readPublicRevision(hub.deps.db);
    const account = await registerAccount(hub.deps, admin, { platform: "x", handle: "exempel_skola" });
    expect(await readPublicRevision(hub.deps.db)).toBe(before + 1);
    await editAccount(hub.deps, admin, account.id, { purpose: "Skolinformation." });
    expect(await readPublicRevision(hub.deps.db)).toBe(before + 2);
  });
});

describe("editAccount", () => {
  test("closing keeps the reason; a new credential resets the rights check", async () => {
    const account = await registerAccount(hub.deps, admin, {
      platform: "mastodon",
      handle: "exempel_kris",
      credential: { accessToken: "first-token-123" },
    });
    await hub.deps.db.update(accounts).set({ rightsStatus: "ok" }).where(eq(accounts.id, account.id));
    const replaced = await editAccount(hub.deps, admin, account.id, {
      credential: { accessToken: "second-token-456" },
    });
    expect(replaced.rightsStatus).toBe("unknown");
    expect(await openJson(hub.deps.secretKey, replaced.credentialCiphertext as string)).toEqual({
      accessToken: "second-token-456",
    });
    const closed = await editAccount(hub.deps, admin, account.id, {
      status: "closed",
      closedReason: "Ersatt av ett nytt konto",
    });
    expect(closed).toMatchObject({ status: "closed", closedReason: "Ersatt av ett nytt konto" });
    expect(closed.closedAt).toEqual(hub.clock.now());
    expect(await fieldsOf(editAccount(hub.deps, admin, account.id, { options: {}, extra: 1 }))).toContain("(body)");
  });
});

describe("ensureSandboxAccounts", () => {
  test("registers one sandbox account per platform once, then only re-points them; real accounts are left alone", async () => {
    // The real Bluesky account registered above shares the sandbox's handle.
    const first = await ensureSandboxAccounts(hub.deps, sandboxAccounts("http://127.0.0.1:4001"));
    expect(first).toEqual({ registered: 7, repointed: 0 });
    const again = await ensureSandboxAccounts(hub.deps, sandboxAccounts("http://127.0.0.1:4002"));
    expect(again).toEqual({ registered: 0, repointed: 7 });
    const rows = await listAccounts(hub.deps.db);
    const sandboxed = rows.filter((a) => a.sandbox);
    expect(sandboxed).toHaveLength(7);
    expect(sandboxed.every((a) => a.baseUrl.startsWith("http://127.0.0.1:4002/"))).toBe(true);
    expect(rows.find((a) => a.platform === "bluesky")).toMatchObject({
      sandbox: false,
      baseUrl: "https://bsky.social",
    });
  });
});
