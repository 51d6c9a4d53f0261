// /api/v1/accounts over HTTP: register, list, read, edit; the credential never comes back in any
// response or log line; only admins change the registry.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addPerson } from "../helpers/people";

const SECRET = "kk-accounts-route-secret-7d2e";
let hub: TestHub;
const seen: string[] = [];
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

async function call(method: "get" | "post" | "patch", path: string, body?: unknown, token = hub.token) {
  const client = api(hub, token);
  const res = method === "get" ? await client.get(path) : await client[method](path, body);
  seen.push(res.text);
  return res;
}

describe("/api/v1/accounts", () => {
  test("register, list, read and edit; the credential is write-only", async () => {
    const created = await call("post", "/api/v1/accounts", {
      platform: "telegram",
      handle: "@exempel_kris",
      options: { chatId: "@exempel_kris" },
      credential: { botToken: `7000000001:${SECRET}` },
      purpose: "Krisinformation.",
      publicUrl: "https://t.me/exempel_kris",
      editors: [
        { name: "Anna Andersson", email: "anna@exempel.se", role: "editor" },
        { name: "Bo Berg", email: "bo@exempel.se", role: "deputy" },
      ],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({
      platform: "telegram",
      handle: "exempel_kris",
      baseUrl: "https://api.telegram.org",
      hasCredential: true,
      status: "active",
      sandbox: false,
      rightsStatus: "unknown",
    });
    expect(created.json.editors).toHaveLength(2);
    const id = created.json.id;

    const list = await call("get", "/api/v1/accounts?platform=telegram");
    expect(list.json.accounts.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await call("get", `/api/v1/accounts/${id}`)).json.handle).toBe("exempel_kris");
    expect((await call("get", "/api/v1/accounts/not-a-uuid")).status).toBe(400);

    const edited = await call("patch", `/api/v1/accounts/${id}`, {
      purpose: "Krisinformation dygnet runt.",
      credential: { botToken: `7000000001:${SECRET}-2` },
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json).toMatchObject({ purpose: "Krisinformation dygnet runt.", hasCredential: true });
    const closed = await call("patch", `/api/v1/accounts/${id}`, {
      status: "closed",
      closedReason: "Ersätts av ny kanal",
    });
    expect(closed.json).toMatchObject({ status: "closed", closedReason: "Ersätts av ny kanal" });

    expect((await call("get", "/api/v1/audit?limit=100")).status).toBe(200);
    for (const text of [...seen, hub.logLines.join("\n")]) expect(text).not.toContain(SECRET);
  });

  test("bad input names the fields; an unknown platform and a duplicate are refused", async () => {
    const bad = await call("post", "/api/v1/accounts", {
      platform: "facebook",
      handle: "Exempelkommun",
      baseUrl: "ftp://graph.example",
      credential: { pageAccessToken: SECRET },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.map((f: { field: string }) => f.field)).toContain("baseUrl");
    const missing = await call("post", "/api/v1/accounts", {
      platform: "facebook",
      handle: "Exempelkommun",
      credential: { pageAccessToken: SECRET },
    });
    expect(missing.json.error.fields.map((f: { field: string }) => f.field)).toEqual([
      "options.pageId",
      "credential.userAccessToken",
    ]);
    expect((await call("post", "/api/v1/accounts", { platform: "myspace", handle: "x" })).status).toBe(400);
    const first = await call("post", "/api/v1/accounts", { platform: "x", handle: "exempel_x" });
    expect(first.status).toBe(201);
    expect(first.json.hasCredential).toBe(false);
    expect((await call("post", "/api/v1/accounts", { platform: "x", handle: "EXEMPEL_X" })).status).toBe(409);
    for (const text of seen) expect(text).not.toContain(SECRET);
  });

  test("a sandbox account exists only when the admin says so", async () => {
    const plain = await call("post", "/api/v1/accounts", { platform: "mastodon", handle: "exempel_m" });
    expect(plain.json.sandbox).toBe(false);
    const sandbox = await call("post", "/api/v1/accounts", {
      platform: "mastodon",
      handle: "exempel_s",
      sandbox: true,
    });
    expect(sandbox.json.sandbox).toBe(true);
  });

  test("only admins register and edit; everyone signed in may read", async () => {
    const communicator = await addPerson(hub, { role: "communicator" });
    const refused = await call("post", "/api/v1/accounts", { platform: "x", handle: "obehorig" }, communicator.token);
    expect(refused.status).toBe(403);
    const list = await call("get", "/api/v1/accounts", undefined, communicator.token);
    expect(list.status).toBe(200);
    const id = list.json.accounts[0].id;
    expect((await call("patch", `/api/v1/accounts/${id}`, { purpose: "Nej" }, communicator.token)).status).toBe(403);
    expect((await hub.app.request("/api/v1/accounts", {}, { deps: hub.deps })).status).toBe(401);
  });
});
