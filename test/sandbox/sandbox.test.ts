// The sandbox server itself: routing by prefix, the HTTP control surface, the contracts' sharper
// edges (headers, envelopes, token expiry), and a clean close with requests still hanging.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { PLATFORMS } from "../../src/platforms/types";
import { createSandbox, type RunningSandbox, sandboxAccounts, sandboxApp, startSandbox } from "../../src/sandbox";
import type { SandboxControl } from "../../src/sandbox/control";
import type { SandboxDescription } from "../../src/sandbox/describe";
import type { PostStore } from "../../src/sandbox/store";
import { must } from "../helpers/must";

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("startSandbox", () => {
  test("listens on an ephemeral local port and routes by platform prefix", async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.baseUrlFor("mastodon")).toBe(`${sandbox.url}/mastodon`);
    const instance = await fetch(`${sandbox.baseUrlFor("mastodon")}/api/v2/instance`);
    const described = (await instance.json()) as { configuration: { statuses: { max_characters: number } } };
    expect(described.configuration.statuses.max_characters).toBe(500);
    expect((await fetch(`${sandbox.baseUrlFor("x")}/2/users/me`)).status).toBe(401);
  });

  test("sandboxAccounts gives one working account per platform", () => {
    const accounts = sandboxAccounts(sandbox.url);
    expect(accounts.map((a) => a.platform)).toEqual([...PLATFORMS]);
    for (const account of accounts) {
      expect(account.baseUrl).toBe(`${sandbox.url}/${account.platform}`);
      expect(Object.keys(account.credential).length).toBeGreaterThan(0);
    }
  });

  test("close() returns promptly with a request still hanging", async () => {
    const other = await startSandbox();
    other.control("mastodon").hang();
    const pending = fetch(`${other.baseUrlFor("mastodon")}/api/v2/instance`).catch(() => "aborted");
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A close() that waited for the hanging request would run into the test timeout.
    await other.close();
    expect(await pending).toBeDefined();
  });
});

describe("/_control over HTTP", () => {
  test("fail-next answers with the platform's own error shape, then recovers", async () => {
    await post(`${sandbox.url}/_control/telegram/fail-next`, { status: 429, retryAfterSeconds: 7 });
    const url = `${sandbox.baseUrlFor("telegram")}/bot7000000001:AAsandbox-telegram-token/getMe`;
    const limited = await fetch(url);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      parameters: { retry_after: 7 },
    });
    expect(((await (await fetch(url)).json()) as { ok: boolean }).ok).toBe(true);
  });

  test("latency, revoke and state are reachable too", async () => {
    await post(`${sandbox.url}/_control/x/latency`, { ms: 120 });
    await post(`${sandbox.url}/_control/x/revoke`, {});
    const started = Date.now();
    const res = await fetch(`${sandbox.baseUrlFor("x")}/2/users/me`, {
      headers: { authorization: "Bearer sandbox-x-user-token" },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(res.status).toBe(401);
    const state = (await (await fetch(`${sandbox.url}/_control/x/state`)).json()) as ReturnType<
      PostStore["snapshot"]
    > & { control: ReturnType<SandboxControl["describe"]> };
    expect(state.control).toMatchObject({ latencyMs: 120, revoked: true });
    expect(state.requests).toEqual([{ method: "GET", path: "/x/2/users/me" }]);
    await post(`${sandbox.url}/_control/reset`, {});
    expect(sandbox.control("x").describe()).toMatchObject({ latencyMs: 0, revoked: false });
  });
});

describe("contract edges", () => {
  test("Mastodon replays an Idempotency-Key and sends X-RateLimit-Reset as ISO 8601", async () => {
    const headers = { authorization: "Bearer sandbox-mastodon-token", "idempotency-key": "k1" };
    const first = await post(`${sandbox.baseUrlFor("mastodon")}/api/v1/statuses`, { status: "Hej" }, headers);
    const again = await post(`${sandbox.baseUrlFor("mastodon")}/api/v1/statuses`, { status: "Hej" }, headers);
    const [firstStatus, againStatus] = [(await first.json()) as { id: string }, (await again.json()) as { id: string }];
    expect(firstStatus.id).toBe(againStatus.id);
    expect(sandbox.state("mastodon").posts).toHaveLength(1);
    expect(first.headers.get("x-ratelimit-reset")).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test("Mastodon counts graphemes and every URL as 23, by its own count", async () => {
    const url = `https://www.exempelkommun.se/incidents/${"lang-adress-".repeat(8)}updates/1`; // far over 23
    const statuses = `${sandbox.baseUrlFor("mastodon")}/api/v1/statuses`;
    const auth = { authorization: "Bearer sandbox-mastodon-token" };
    const send = (status: string) => post(statuses, { status }, auth).then((r) => r.status);
    expect(await send(`${"å".repeat(476)} ${url}`)).toBe(200); // 476 + 1 + 23 = 500
    expect(await send(`${"å".repeat(477)} ${url}`)).toBe(422);
    const family = "👨‍👩‍👧"; // one grapheme of five code points
    expect(await send(family.repeat(500))).toBe(200);
    expect(await send(family.repeat(501))).toBe(422);
  });

  test("X weighs by its documented rules: URLs 23, emoji 2, Latin 1", async () => {
    const url = `https://www.exempelkommun.se/incidents/${"lang-adress-".repeat(8)}updates/1`;
    const auth = { authorization: "Bearer sandbox-x-user-token" };
    const send = (text: string) => post(`${sandbox.baseUrlFor("x")}/2/tweets`, { text }, auth).then((r) => r.status);
    expect(await send(`${"ö".repeat(256)} ${url}`)).toBe(201); // 256 + 1 + 23 = 280
    expect(await send(`${"ö".repeat(257)} ${url}`)).toBe(400);
    expect(await send("🔥".repeat(140))).toBe(201);
    expect(await send("🔥".repeat(141))).toBe(400);
  });

  test("X refuses unknown keys and form bodies", async () => {
    const auth = { authorization: "Bearer sandbox-x-user-token" };
    const unknown = await post(`${sandbox.baseUrlFor("x")}/2/tweets`, { text: "Hej", status: "x" }, auth);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { type: string }).type).toBe("https://api.x.com/2/problems/invalid-request");
    const form = await fetch(`${sandbox.baseUrlFor("x")}/2/tweets`, {
      method: "POST",
      headers: auth,
      body: new URLSearchParams({ text: "Hej" }),
    });
    expect(form.status).toBe(400);
  });

  test("LinkedIn requires its version headers and answers 201 with x-restli-id", async () => {
    const body = {
      author: "urn:li:organization:10000001",
      commentary: "Hej",
      visibility: "PUBLIC",
      distribution: { feedDistribution: "MAIN_FEED" },
      lifecycleState: "PUBLISHED",
    };
    const auth = { authorization: "Bearer sandbox-linkedin-token" };
    expect((await post(`${sandbox.baseUrlFor("linkedin")}/rest/posts`, body, auth)).status).toBe(400);
    const ok = await post(`${sandbox.baseUrlFor("linkedin")}/rest/posts`, body, {
      ...auth,
      "linkedin-version": "202601",
      "x-restli-protocol-version": "2.0.0",
    });
    expect(ok.status).toBe(201);
    expect(ok.headers.get("x-restli-id")).toMatch(/^urn:li:share:\d+$/);
    expect(await ok.text()).toBe("");
  });

  test("Bluesky access tokens expire with ExpiredToken and refresh tokens rotate", async () => {
    const session = (await (
      await post(`${sandbox.baseUrlFor("bluesky")}/xrpc/com.atproto.server.createSession`, {
        identifier: "exempelkommun.bsky.social",
        password: "sbx1-sbx2-sbx3-sbx4",
      })
    ).json()) as { accessJwt: string; refreshJwt: string };
    sandbox.control("bluesky").expireTokens();
    const expired = await fetch(`${sandbox.baseUrlFor("bluesky")}/xrpc/com.atproto.server.getSession`, {
      headers: { authorization: `Bearer ${session.accessJwt}` },
    });
    expect(expired.status).toBe(400);
    expect(await expired.json()).toEqual({ error: "ExpiredToken", message: "Token has expired" });
    const refresh = () =>
      fetch(`${sandbox.baseUrlFor("bluesky")}/xrpc/com.atproto.server.refreshSession`, {
        method: "POST",
        headers: { authorization: `Bearer ${session.refreshJwt}` },
      });
    expect((await refresh()).status).toBe(200);
    expect((await refresh()).status).toBe(400);
  });

  test("Instagram refuses to publish a container that is not finished", async () => {
    sandbox.control("instagram").configure({ pollsUntilFinished: 2 });
    const base = `${sandbox.baseUrlFor("instagram")}/v21.0/17841400000000001`;
    const token = { access_token: "sandbox-instagram-token" };
    const created = (await (
      await fetch(`${base}/media`, {
        method: "POST",
        body: new URLSearchParams({ ...token, image_url: "https://e.se/a.jpg" }),
      })
    ).json()) as { id: string };
    const early = await fetch(`${base}/media_publish`, {
      method: "POST",
      body: new URLSearchParams({ ...token, creation_id: created.id }),
    });
    expect(early.status).toBe(400);
    expect(((await early.json()) as { error: { code: number } }).error.code).toBe(9007);
  });
});

describe("describeSandbox and sandboxApp", () => {
  test("show what each platform received, newest first", async () => {
    const inProcess = createSandbox();
    const app = inProcess.app;
    await app.request("/mastodon/api/v1/statuses", {
      method: "POST",
      headers: { authorization: "Bearer sandbox-mastodon-token", "content-type": "application/json" },
      body: JSON.stringify({ status: "Första" }),
    });
    await app.request("/mastodon/api/v1/statuses", {
      method: "POST",
      headers: { authorization: "Bearer sandbox-mastodon-token", "content-type": "application/json" },
      body: JSON.stringify({ status: "Andra" }),
    });
    const page = (await (await sandboxApp(inProcess).request("/")).json()) as SandboxDescription;
    expect(page.platforms.map((p) => p.platform)).toEqual([...PLATFORMS]);
    const mastodon = must(
      page.platforms.find((p) => p.platform === "mastodon"),
      "Mastodon on the sandbox page",
    );
    expect(mastodon.posts.map((p) => p.text)).toEqual(["Andra", "Första"]);
    expect(mastodon.posts[0]).toMatchObject({ deleted: false, edited: false });
  });
});
