// The moderation log: removed third-party content is registered with the content kept, a reason
// from the fixed list, who removed it and a notice for the author; where the platform's API
// allows, the comment is hidden on the platform itself (here the Facebook stand-in, over HTTP).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, auditLog, REMOVAL_REASONS } from "../../src/db/schema";
import { generateSecretKeyBase64, importSecretKey, sealJson } from "../../src/domain/accounts/secrets";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { addAccount, addDepartment, addPerson } from "../archive/records-fixtures";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

let hub: TestHub;
let sandbox: RunningSandbox;
let facebook: { id: string };
let mastodon: { id: string };
let schoolAccount: { id: string };
let incident: { id: string };
let editor: { token: string };
let viewer: { token: string };
let registrar: { token: string };

beforeAll(async () => {
  sandbox = await startSandbox();
  hub = await startTestHub();
  const fb = must(
    sandbox.accounts().find((a) => a.platform === "facebook"),
    "the sandbox's Facebook account",
  );
  facebook = await addAccount(hub, { ...fb, handle: "Exempelkommun" });
  mastodon = await addAccount(hub, { platform: "mastodon", handle: "exempelkommun" });
  const school = await addDepartment(hub, "Norrskolan");
  schoolAccount = await addAccount(hub, { platform: "instagram", handle: "norrskolan", departmentId: school.id });
  editor = await addPerson(hub, "editor", [school.id]);
  viewer = await addPerson(hub, "viewer");
  registrar = await addPerson(hub, "registrar");
  incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Skyfall", severity: "minor" })).json;
});
afterAll(async () => {
  await hub?.close();
  await sandbox?.close();
});

const removal = (overrides: Record<string, unknown> = {}) => ({
  platform: "mastodon",
  accountId: mastodon.id,
  author: "@troll@exempel.social",
  content: "Köp billiga solglasögon på www.exempel.shop!",
  reason: "advertising_off_topic",
  ...overrides,
});

describe("registering a removal", () => {
  test("keeps the content as written and writes a Swedish notice naming the reason and the policy", async () => {
    const content = 'Han heter Kalle och har personnummer 19121212-1212, "skriv till honom".\n  Rad två.  ';
    const res = await api(hub, hub.token).post(
      "/api/v1/removals",
      removal({
        content,
        reason: "personal_data",
        author: "Lisa L",
        incidentId: incident.id,
        link: "https://mastodon.example/@x/1",
      }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      content,
      reason: "personal_data",
      reasonText: "personuppgifter om någon som inte har gett sitt samtycke",
      authorNotified: false,
      incidentId: incident.id,
      platform: "mastodon",
    });
    expect(res.json.notice).toContain("Hej Lisa L!");
    expect(res.json.notice).toContain("personuppgifter om någon som inte har gett sitt samtycke");
    expect(res.json.notice).toContain("Exempelkommuns riktlinjer för sociala medier");
    expect(res.json.notice).toContain("Mastodon-kontot exempelkommun");
    expect(res.json.notice).toContain("allmän handling");
    expect(res.json.notice).toContain("Med vänlig hälsning\nSystemadministratör");
    expect(res.json.notice).not.toContain("19121212");
    const [audit] = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, res.json.id));
    expect(audit.action).toBe("removal.registered");
  });

  test("every reason on the fixed list is accepted, anything else names the field", async () => {
    for (const reason of REMOVAL_REASONS) {
      expect((await api(hub, hub.token).post("/api/v1/removals", removal({ reason }))).status, reason).toBe(201);
    }
    const bad = await api(hub, hub.token).post("/api/v1/removals", removal({ reason: "tråkigt", content: "  " }));
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["content", "reason"]);
    const wrongPlatform = await api(hub, hub.token).post("/api/v1/removals", removal({ platform: "x" }));
    expect(wrongPlatform.status).toBe(400);
    expect(wrongPlatform.json.error.fields[0].field).toBe("platform");
    const future = await api(hub, hub.token).post("/api/v1/removals", removal({ removedAt: "2030-01-01T00:00:00Z" }));
    expect(future.json.error.fields[0].field).toBe("removedAt");
  });

  test("editors register removals on their own department's accounts only; viewers not at all", async () => {
    const own = await api(hub, editor.token).post(
      "/api/v1/removals",
      removal({ platform: "instagram", accountId: schoolAccount.id, reason: "offensive" }),
    );
    expect(own.status, own.text).toBe(201);
    expect((await api(hub, editor.token).post("/api/v1/removals", removal())).status).toBe(403);
    expect((await api(hub, viewer.token).post("/api/v1/removals", removal())).status).toBe(403);
    expect((await api(hub, viewer.token).get("/api/v1/removals")).status).toBe(403);
    expect((await api(hub, registrar.token).get("/api/v1/removals")).status).toBe(200);
  });

  test("the log filters by platform, account, incident, reason and time", async () => {
    const a = api(hub, hub.token);
    hub.clock.advance(86_400_000);
    const later = (await a.post("/api/v1/removals", removal({ reason: "personal_attack", author: "Senare" }))).json;
    const list = async (query: string) => (await a.get(`/api/v1/removals?${query}`)).json.removals as { id: string }[];
    expect((await list("platform=instagram")).length).toBe(1);
    expect((await list(`accountId=${schoolAccount.id}`)).length).toBe(1);
    expect((await list(`incidentId=${incident.id}`)).length).toBe(1);
    const attacks = await list("reason=personal_attack");
    expect(attacks.length).toBe(2);
    expect(attacks[0].id).toBe(later.id);
    const since = new Date(hub.clock.now().getTime() - 60_000).toISOString();
    expect((await list(`from=${since}`)).map((r) => r.id)).toEqual([later.id]);
    expect((await list(`to=${since}`)).some((r) => r.id === later.id)).toBe(false);
    expect((await a.get("/api/v1/removals?reason=nope")).status).toBe(400);
  });

  test("the author can be recorded as told afterwards, once", async () => {
    const a = api(hub, hub.token);
    const created = (await a.post("/api/v1/removals", removal())).json;
    const told = await a.post(`/api/v1/removals/${created.id}/author-notified`);
    expect(told.status).toBe(200);
    expect(told.json.authorNotified).toBe(true);
    expect((await a.post(`/api/v1/removals/${created.id}/author-notified`)).status).toBe(409);
    expect((await a.get(`/api/v1/removals/${created.id}`)).json.authorNotified).toBe(true);
    expect((await a.get("/api/v1/removals/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });
});

describe("removing the comment on the platform", () => {
  async function commentOnFacebook(text: string) {
    const base = sandbox.baseUrlFor("facebook");
    const fb = must(
      sandbox.accounts().find((a) => a.platform === "facebook"),
      "the sandbox's Facebook account",
    );
    const token = fb.credential.pageAccessToken ?? Object.values(fb.credential)[0];
    const post = await fetch(`${base}/v21.0/${fb.options.pageId}/feed`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: `Kommunens inlägg ${text}`, access_token: token }),
    }).then((r) => r.json());
    const comment = await fetch(`${base}/v21.0/${post.id}/comments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: text, access_token: token }),
    }).then((r) => r.json());
    return comment.id as string;
  }

  test("is registered first, then hidden through the adapter, and the result recorded", async () => {
    const commentId = await commentOnFacebook("Ni är idioter allihop");
    expect(commentId).toBeTruthy();
    const res = await api(hub, hub.token).post(
      "/api/v1/removals",
      removal({
        platform: "facebook",
        accountId: facebook.id,
        content: "Ni är idioter allihop",
        reason: "personal_attack",
        commentId,
        removeRemote: true,
      }),
    );
    expect(res.status, res.text).toBe(201);
    expect(res.json.remote).toMatchObject({ ok: true, commentId });
    const comment = sandbox.state("facebook").comments.find((c: { id: string }) => c.id === commentId);
    expect(comment).toMatchObject({ hidden: true, deleted: false });
    const detail = (await api(hub, hub.token).get(`/api/v1/removals/${res.json.id}`)).json;
    expect(detail.remoteAttempts).toMatchObject([{ action: "removal.remote_removed" }]);
  });

  test("a failure is reported and recorded; platforms without the API say so", async () => {
    const a = api(hub, hub.token);
    const created = (await a.post("/api/v1/removals", removal({ platform: "facebook", accountId: facebook.id }))).json;
    const failed = await a.post(`/api/v1/removals/${created.id}/remove-remote`, { commentId: "999_999" });
    expect(failed.status).toBe(502);
    expect(failed.json).toMatchObject({ ok: false, commentId: "999_999" });
    expect((await a.get(`/api/v1/removals/${created.id}`)).json.remoteAttempts).toMatchObject([
      { action: "removal.remote_failed" },
    ]);
    const onMastodon = (await a.post("/api/v1/removals", removal())).json;
    const unsupported = await a.post(`/api/v1/removals/${onMastodon.id}/remove-remote`, { commentId: "1" });
    expect(unsupported.status).toBe(422);
    expect(unsupported.json.error.code).toBe("not_supported");
    const missing = await a.post(`/api/v1/removals/${onMastodon.id}/remove-remote`, {});
    expect(missing.status).toBe(400);
    const refused = await a.post("/api/v1/removals", removal({ removeRemote: true, commentId: "109" }));
    expect(refused.status, "the removal is on record even when the platform cannot remove it").toBe(201);
    expect(refused.json.remote).toMatchObject({ ok: false, code: "not_supported", commentId: "109" });
    expect((await a.get(`/api/v1/removals/${refused.json.id}`)).status).toBe(200);
    const noIds = await a.post("/api/v1/removals", removal({ removeRemote: true }));
    expect(noIds.json.error.fields[0].field).toBe("removeRemote");
  });

  test("a platform error that echoes the credential is stored and answered without it", async () => {
    const a = api(hub, hub.token);
    const token = must(
      sandbox.accounts().find((x) => x.platform === "facebook"),
      "the sandbox's Facebook account",
    ).credential.pageAccessToken;
    sandbox.control("facebook").failNext({
      status: 400,
      body: {
        error: { message: `Invalid OAuth access token ${token} for this call`, type: "OAuthException", code: 100 },
      },
    });
    const created = (await a.post("/api/v1/removals", removal({ platform: "facebook", accountId: facebook.id }))).json;
    const failed = await a.post(`/api/v1/removals/${created.id}/remove-remote`, { commentId: "123_456" });
    expect(failed.json.ok).toBe(false);
    expect(failed.text).toContain("[dold]");
    expect(failed.text).not.toContain(token);
    const detail = await a.get(`/api/v1/removals/${created.id}`);
    expect(detail.text).not.toContain(token);
    expect((await a.get(`/api/v1/audit?action=removal.remote_failed`)).text).not.toContain(token);
  });

  test("a credential that cannot be opened (a rotated key) is a recorded auth failure, not a 500", async () => {
    const a = api(hub, hub.token);
    const fb = must(
      sandbox.accounts().find((x) => x.platform === "facebook"),
      "the sandbox's Facebook account",
    );
    const rotated = await addAccount(hub, { ...fb, handle: "Roterad nyckel" });
    const otherKey = await importSecretKey(generateSecretKeyBase64());
    await hub.deps.db
      .update(accounts)
      .set({ credentialCiphertext: await sealJson(otherKey, fb.credential) })
      .where(eq(accounts.id, rotated.id));
    const created = (await a.post("/api/v1/removals", removal({ platform: "facebook", accountId: rotated.id }))).json;
    const failed = await a.post(`/api/v1/removals/${created.id}/remove-remote`, { commentId: "123_456" });
    expect(failed.status, failed.text).toBe(502);
    expect(failed.json).toMatchObject({ ok: false, commentId: "123_456", failureClass: "auth" });
    expect(failed.json.message).toContain("KRISKANAL_SECRET_KEY");
    expect((await a.get(`/api/v1/removals/${created.id}`)).json.remoteAttempts).toMatchObject([
      { action: "removal.remote_failed" },
    ]);
    const registered = await a.post(
      "/api/v1/removals",
      removal({ platform: "facebook", accountId: rotated.id, removeRemote: true, commentId: "123_457" }),
    );
    expect(registered.status, registered.text).toBe(201);
    expect(registered.json.remote).toMatchObject({ ok: false, failureClass: "auth", commentId: "123_457" });
  });
});
