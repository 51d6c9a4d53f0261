// A credential goes in and never comes out: not in a response of any route that touches
// accounts, not in a log line, not in an error message, not in the audit log or the database.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, auditLog } from "../../src/db/schema";
import { checkAllAccountRights } from "../../src/domain/accounts/rights";
import { createPlatforms } from "../../src/platforms/index";
import type { PlatformAdapter } from "../../src/platforms/types";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

const PLANTED = "kk-planted-secret-9f4c1a7e2b";
const PLANTED_REPLACEMENT = "kk-replacement-secret-51d0e3";
const PLANTED_BOT = "7000000002:kk-planted-bot-secret-c83e";
const SECRETS = [PLANTED, PLANTED_REPLACEMENT, PLANTED_BOT, "sandbox-mastodon-token"];

let hub: TestHub;
let sandbox: RunningSandbox;
const seen: { what: string; text: string }[] = [];

/** Telegram stand-in whose platform echoes the bot URL back, as real error texts sometimes do. */
function echoingTelegram(real: PlatformAdapter): PlatformAdapter {
  return {
    ...real,
    async checkRights(ctx) {
      if (ctx.credential.botToken.endsWith("throw")) {
        throw new Error(`connect failed for https://api.telegram.org/bot${ctx.credential.botToken}/getMe`);
      }
      return { ok: false, class: "auth", detail: `HTTP 404 for /bot${ctx.credential.botToken}/getMe: Not Found` };
    },
  };
}

beforeAll(async () => {
  sandbox = await startSandbox();
  const platforms = createPlatforms();
  hub = await startTestHub({ deps: { platforms: { ...platforms, telegram: echoingTelegram(platforms.telegram) } } });
});
afterAll(async () => {
  await hub?.close();
  await sandbox?.close();
});

async function call(method: "get" | "post" | "patch", path: string, body?: unknown, token = hub.token) {
  const client = api(hub, token);
  const res = method === "get" ? await client.get(path) : await client[method](path, body);
  seen.push({ what: `${method.toUpperCase()} ${path} -> ${res.status}`, text: res.text });
  return res;
}
async function page(path: string) {
  const res = await hub.app.request(path, {}, { deps: hub.deps });
  const text = await res.text();
  seen.push({ what: `GET ${path} -> ${res.status}`, text });
  return text;
}

describe("credentials never leak", () => {
  test("through every accounts route, the public pages, the audit log, logs and errors", async () => {
    const dept = (await call("post", "/api/v1/departments", { name: "Räddningstjänsten" })).json;
    const sandboxMastodon = must(
      sandbox.accounts().find((a) => a.platform === "mastodon"),
      "the sandbox's Mastodon account",
    );

    // Registered: one with a planted (wrong) token, one with the sandbox's working token.
    const planted = await call("post", "/api/v1/accounts", {
      platform: "mastodon",
      handle: "exempel_rtj",
      baseUrl: sandbox.baseUrlFor("mastodon"),
      departmentId: dept.id,
      credential: { accessToken: PLANTED },
      purpose: "Räddningstjänsten informerar.",
      publicUrl: "https://mastodon.exempel.se/@exempel_rtj",
    });
    expect(planted.status, planted.text).toBe(201);
    expect(planted.json.hasCredential).toBe(true);
    const working = await call("post", "/api/v1/accounts", { ...sandboxMastodon, sandbox: true });
    expect(working.status, working.text).toBe(201);
    const bot = await call("post", "/api/v1/accounts", {
      platform: "telegram",
      handle: "exempel_kris",
      options: { chatId: "@exempel_kris" },
      credential: { botToken: PLANTED_BOT },
    });
    expect(bot.status, bot.text).toBe(201);

    // Errors that carry the credential in their request: bad input, a duplicate, a bad edit.
    const invalid = await call("post", "/api/v1/accounts", {
      platform: "mastodon",
      handle: "not a handle!",
      baseUrl: "not a url",
      credential: { accessToken: PLANTED },
    });
    expect(invalid.status).toBe(400);
    const duplicate = await call("post", "/api/v1/accounts", {
      platform: "mastodon",
      handle: "EXEMPEL_RTJ",
      credential: { accessToken: PLANTED },
    });
    expect(duplicate.status).toBe(409);
    const unknownPlatform = await call("post", "/api/v1/accounts", {
      platform: "myspace",
      handle: "exempel",
      credential: { accessToken: PLANTED },
    });
    expect(unknownPlatform.status).toBe(400);
    const badEdit = await call("patch", `/api/v1/accounts/${planted.json.id}`, {
      credential: { accessToken: PLANTED, extra: 5 },
    });
    expect(badEdit.status).toBe(400);

    // Reading, editing, replacing the credential, verifying.
    await call("get", "/api/v1/accounts");
    await call("get", `/api/v1/accounts/${planted.json.id}`);
    await call("get", "/api/v1/accounts?status=active&platform=mastodon");
    await call("patch", `/api/v1/accounts/${planted.json.id}`, {
      purpose: "Räddningstjänsten informerar dygnet runt.",
    });
    const failing = await call("post", `/api/v1/accounts/${planted.json.id}/verify`);
    expect(failing.json.rights.status).toBe("failing");
    const replaced = await call("patch", `/api/v1/accounts/${planted.json.id}`, {
      credential: { accessToken: PLANTED_REPLACEMENT },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json.hasCredential).toBe(true);
    const ok = await call("post", `/api/v1/accounts/${working.json.id}/verify`);
    expect(ok.json.ok).toBe(true);

    // The platform echoes the token back, then the adapter throws with it: both are hidden.
    const echoed = await call("post", `/api/v1/accounts/${bot.json.id}/verify`);
    expect(echoed.json.rights.detail).toContain("[dold]");
    await call("patch", `/api/v1/accounts/${bot.json.id}`, { credential: { botToken: `${PLANTED_BOT}throw` } });
    const thrown = await call("post", `/api/v1/accounts/${bot.json.id}/verify`);
    expect(thrown.json.rights.detail).toContain("[dold]");
    await checkAllAccountRights(hub.deps);

    await call("get", "/api/v1/compliance");
    await call("get", "/api/v1/audit?limit=1000");
    await call("get", `/api/v1/audit?accountId=${planted.json.id}`);
    await page("/channels");
    await page("/channels.json");
    await page("/");

    const auditRows = await hub.deps.db.select().from(auditLog);
    seen.push({ what: "audit_log rows", text: JSON.stringify(auditRows) });
    const stored = await hub.deps.db.select({ c: accounts.credentialCiphertext }).from(accounts);
    seen.push({ what: "credential_ciphertext column", text: JSON.stringify(stored) });
    seen.push({ what: "log lines", text: hub.logLines.join("\n") });

    expect(seen.length).toBeGreaterThan(25);
    for (const secret of SECRETS) {
      for (const { what, text } of seen) expect(text.includes(secret), `${what} contains ${secret}`).toBe(false);
    }
    // Only the sealed form is stored.
    expect(stored.every((r) => r.c === null || r.c.startsWith("v1:"))).toBe(true);
  });
});
