// The one gateway to a platform: it opens the credential, hands the adapter its context, and
// gives back a typed result with the credential hidden, whatever the call did.
import { describe, expect, test } from "vitest";
import type { Account } from "../../src/domain/accounts/accounts";
import { callAdapter, type GatewayDeps } from "../../src/domain/accounts/gateway";
import { generateSecretKeyBase64, importSecretKey, sealJson } from "../../src/domain/accounts/secrets";
import { createPlatforms } from "../../src/platforms/index";

const TOKEN = "bot-123456:SECRET-TOKEN-abcdef";

async function setUp() {
  const secretKey = await importSecretKey(generateSecretKeyBase64());
  const deps: GatewayDeps = {
    platforms: createPlatforms(),
    secretKey,
    fetch: async () => new Response("not used", { status: 500 }),
    now: () => new Date("2026-03-01T10:00:00Z"),
  };
  const account = {
    id: "00000000-0000-4000-8000-000000000001",
    platform: "telegram",
    handle: "@exempelkommun",
    baseUrl: "https://telegram.example",
    options: { chatId: "@exempelkommun" },
    credentialCiphertext: await sealJson(secretKey, { botToken: TOKEN }),
  } as unknown as Account;
  return { deps, account };
}

describe("callAdapter", () => {
  test("hands the adapter the opened credential and the account's public settings", async () => {
    const { deps, account } = await setUp();
    const result = await callAdapter(deps, account, async (adapter, ctx) => ({
      platform: adapter.platform,
      token: ctx.credential.botToken === TOKEN,
      account: ctx.account,
    }));
    expect(result).toEqual({
      ok: true,
      value: {
        platform: "telegram",
        token: true,
        account: {
          id: account.id,
          platform: "telegram",
          handle: "@exempelkommun",
          baseUrl: "https://telegram.example",
          options: { chatId: "@exempelkommun" },
        },
      },
    });
  });

  test("hides the credential in every string that comes back, and leaves the rest as it was", async () => {
    const { deps, account } = await setUp();
    const at = new Date("2025-01-01T00:00:00Z");
    const kept = { body: "Vattnet är avstängt." };
    const result = await callAdapter(deps, account, async () => ({
      message: `POST /bot${TOKEN}/sendMessage: 401`,
      nested: [{ detail: `token ${TOKEN}` }],
      kept,
      at,
    }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.stringify(result.value)).not.toContain(TOKEN);
    expect(result.value.message).toBe("POST /bot[dold]/sendMessage: 401");
    expect(result.value.nested[0].detail).toBe("token [dold]");
    expect(result.value.kept).toBe(kept);
    expect(result.value.at).toBe(at);
  });

  test("a call that throws is a retry failure, with the credential hidden", async () => {
    const { deps, account } = await setUp();
    const result = await callAdapter(deps, account, async () => {
      throw new Error(`fetch failed for https://api.telegram.org/bot${TOKEN}/getMe`);
    });
    expect(result).toMatchObject({ ok: false, class: "retry" });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(JSON.stringify(result)).toContain("[dold]");
  });

  test("a credential sealed with another key is an auth failure, and the adapter is never called", async () => {
    const { deps, account } = await setUp();
    const otherKey = await importSecretKey(generateSecretKeyBase64());
    const rotated = { ...account, credentialCiphertext: await sealJson(otherKey, { botToken: TOKEN }) };
    let called = false;
    const result = await callAdapter(deps, rotated, async () => {
      called = true;
    });
    expect(result).toMatchObject({ ok: false, class: "auth" });
    if (!result.ok) expect(result.message).toContain("KRISKANAL_SECRET_KEY");
    expect(called).toBe(false);
  });

  test("no credential is an auth failure; an unknown platform is invalid", async () => {
    const { deps, account } = await setUp();
    const call = async () => "called";
    expect(await callAdapter(deps, { ...account, credentialCiphertext: null }, call)).toMatchObject({
      ok: false,
      class: "auth",
    });
    expect(await callAdapter(deps, { ...account, platform: "myspace" as Account["platform"] }, call)).toMatchObject({
      ok: false,
      class: "invalid",
    });
  });
});
