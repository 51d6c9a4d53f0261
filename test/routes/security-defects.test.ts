// Defects an adversarial test found (issue 12), each pinned so it cannot come back: editors
// acting on other departments' accounts, ids that smuggle a query into a Graph call, and the
// urgent flag as a way around four eyes.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { addAccount, addDepartment, addPerson } from "../archive/records-fixtures";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

let hub: TestHub;
let sandbox: RunningSandbox;
let facebook: { id: string };
let schoolAccount: { id: string };
let editorB: { token: string };
let socialId: string;
let socialAccount: { id: string };

const SMUGGLED = "104000000000001/feed?message=FALSKT%20LARM%3A%20utrym%20staden&link=https%3A%2F%2Fevil.example";

beforeAll(async () => {
  sandbox = await startSandbox();
  hub = await startTestHub();
  const fb = must(
    sandbox.accounts().find((a) => a.platform === "facebook"),
    "the sandbox's Facebook account",
  );
  facebook = await addAccount(hub, { ...fb, handle: "Exempelkommun" });
  const school = await addDepartment(hub, "Norrskolan");
  const social = await addDepartment(hub, "Socialtjänsten");
  schoolAccount = await addAccount(hub, { platform: "mastodon", handle: "norrskolan", departmentId: school.id });
  editorB = await addPerson(hub, "editor", [social.id]);
  socialId = social.id;
  socialAccount = await addAccount(hub, { platform: "mastodon", handle: "socialtjansten", departmentId: social.id });
});
afterAll(async () => {
  await hub?.close();
  await sandbox?.close();
});

const removalOn = (account: { id: string }, platform: string) => ({
  platform,
  accountId: account.id,
  author: "Troll",
  content: "Reklam",
  reason: "advertising_off_topic",
});

const pagePosts = () => sandbox.state("facebook").posts.length;

describe("an editor and another department's account", () => {
  test("cannot make the platform act on the organisation's Facebook page through a removal", async () => {
    const removal = (await api(hub, hub.token).post("/api/v1/removals", removalOn(facebook, "facebook"))).json;
    const asked = sandbox.state("facebook").requests.length;
    const res = await api(hub, editorB.token).post(`/api/v1/removals/${removal.id}/remove-remote`, {
      commentId: "104000000000001_5000001",
    });
    expect(res.status, res.text).toBe(403);
    expect(sandbox.state("facebook").requests.length, "the platform was never asked").toBe(asked);
  });

  test("cannot mark the author of another department's removal as told", async () => {
    const removal = (await api(hub, hub.token).post("/api/v1/removals", removalOn(schoolAccount, "mastodon"))).json;
    const res = await api(hub, editorB.token).post(`/api/v1/removals/${removal.id}/author-notified`);
    expect(res.status, res.text).toBe(403);
    const after = await api(hub, hub.token).get(`/api/v1/removals/${removal.id}`);
    expect(after.json.authorNotified).toBe(false);
  });
});

describe("a comment id that is not the platform's", () => {
  test("is a 400 naming commentId, and the page gains no post", async () => {
    const removal = (await api(hub, hub.token).post("/api/v1/removals", removalOn(facebook, "facebook"))).json;
    const before = pagePosts();
    const res = await api(hub, hub.token).post(`/api/v1/removals/${removal.id}/remove-remote`, {
      commentId: SMUGGLED,
    });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.fields.map((f: { field: string }) => f.field)).toEqual(["commentId"]);
    expect(pagePosts()).toBe(before);
  });

  test("of the wrong platform's shape is a 400 naming commentId, at registration too", async () => {
    const removal = (await api(hub, hub.token).post("/api/v1/removals", removalOn(facebook, "facebook"))).json;
    const res = await api(hub, hub.token).post(`/api/v1/removals/${removal.id}/remove-remote`, {
      commentId: "urn:li:comment:1",
    });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.fields[0].field).toBe("commentId");
    const registered = await api(hub, hub.token).post("/api/v1/removals", {
      ...removalOn(facebook, "facebook"),
      commentId: "123/feed",
      removeRemote: true,
    });
    expect(registered.status, registered.text).toBe(400);
    expect(registered.json.error.fields.map((f: { field: string }) => f.field)).toContain("commentId");
  });
});

describe("urgent, the way around four eyes", () => {
  test("is refused to editors and publish-scoped tokens, and shown to the other approvers when used", async () => {
    const admin = api(hub, hub.token);
    expect((await admin.patch("/api/v1/organisation", { requireApproval: true })).status).toBe(200);
    const incident = (await admin.post("/api/v1/incidents", { title: "Skyfall", severity: "minor" })).json;
    const path = `/api/v1/incidents/${incident.id}/updates`;
    const urgent = { body: "Undvik centrum.", urgent: true, targets: [socialAccount.id] };

    const byEditor = await api(hub, editorB.token).post(path, urgent);
    expect(byEditor.status, byEditor.text).toBe(403);
    expect(byEditor.json.error.code).toBe("urgent_not_allowed");

    const anna = await addPerson(hub, "communicator", [socialId]);
    const bo = await addPerson(hub, "communicator");
    const scoped = await admin.post(`/api/v1/people/${anna.id}/tokens`, { name: "robot", scopes: ["publish"] });
    expect(scoped.status, scoped.text).toBe(201);
    const byToken = await api(hub, scoped.json.token).post(path, urgent);
    expect(byToken.status, byToken.text).toBe(403);
    expect(byToken.json.error.code).toBe("urgent_not_allowed");
    expect((await admin.get(`${path}?state=all`)).json.updates ?? []).toEqual([]);

    const byCommunicator = await api(hub, anna.token).post(path, urgent);
    expect(byCommunicator.status, byCommunicator.text).toBe(201);
    expect(byCommunicator.json.state).toBe("published");
    const told = (await api(hub, bo.token).get("/api/v1/notifications")).json.notifications;
    expect(told).toMatchObject([{ kind: "update.urgent_published" }]);
    expect(told[0].message).toContain("brådskande");
    expect((await api(hub, anna.token).get("/api/v1/notifications")).json.notifications).toEqual([]);
  });
});

describe("an admin resetting or disabling a person", () => {
  test("ends that person's API tokens, and re-enabling does not bring them back", async () => {
    const admin = api(hub, hub.token);
    const reset = await addPerson(hub, "communicator");
    const works = async (token: string) => (await api(hub, token).get("/api/v1/notifications")).status;
    expect(await works(reset.token)).toBe(200);
    const changed = await admin.patch(`/api/v1/people/${reset.id}`, { password: "ett-nytt-langt-losenord-42" });
    expect(changed.status, changed.text).toBe(200);
    expect(await works(reset.token)).toBe(401);

    const leaver = await addPerson(hub, "editor", [socialId]);
    expect((await admin.patch(`/api/v1/people/${leaver.id}`, { disabled: true })).status).toBe(200);
    expect((await admin.patch(`/api/v1/people/${leaver.id}`, { disabled: false })).status).toBe(200);
    expect(await works(leaver.token)).toBe(401);
    expect(await works(hub.token), "the admin's own token is untouched").toBe(200);
  });
});

describe("public pages", () => {
  test("send a strict Content-Security-Policy that still allows the layout's own style block", async () => {
    const incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Storm", severity: "minor" })).json;
    for (const path of ["/", `/incidents/${incident.slug}`, "/channels", "/finns-inte"]) {
      const res = await hub.app.request(path, {}, { deps: hub.deps });
      const html = await res.text();
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'none'");
      for (const d of [
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "img-src 'self' data: https:",
      ]) {
        expect(csp, `${path}: ${d}`).toContain(d);
      }
      expect(csp).not.toContain("unsafe-inline");
      if (path.startsWith("/incidents/")) {
        // An active incident's page offers notifications: the hub's own opt-in script, nothing else.
        expect(csp).toContain("script-src 'self'; connect-src 'self'; worker-src 'self'");
        expect(html).toContain('<script src="/push.js" defer></script>');
        expect(html.match(/<script/g)).toHaveLength(1);
      } else {
        expect(csp, path).not.toMatch(/script-src/);
      }
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
      expect(style, path).toBeTruthy();
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style)));
      expect(csp).toContain(`style-src 'sha256-${Buffer.from(digest).toString("base64")}'`);
    }
  });
});
