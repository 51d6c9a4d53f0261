// The kill switch: while paused, the website keeps publishing and no social delivery leaves;
// on resume, what waited goes out.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, auditLog, deliveries } from "../../src/db/schema";
import { dispatchDue } from "../../src/dispatcher/dispatch";
import { sealJson } from "../../src/domain/accounts/secrets";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addPerson, type TestPerson } from "../helpers/people";

let hub: TestHub;
let sandbox: RunningSandbox;
let anna: TestPerson;
let accountId: string;
let incident: { id: string; slug: string };

beforeAll(async () => {
  sandbox = await startSandbox();
  hub = await startTestHub();
  const mastodon = must(
    sandbox.accounts().find((a) => a.platform === "mastodon"),
    "the sandbox's Mastodon account",
  );
  const now = hub.clock.now();
  const [row] = await hub.deps.db
    .insert(accounts)
    .values({
      platform: mastodon.platform,
      handle: mastodon.handle,
      baseUrl: mastodon.baseUrl,
      options: mastodon.options,
      credentialCiphertext: await sealJson(hub.deps.secretKey, mastodon.credential),
      sandbox: true,
      rightsStatus: "ok",
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  accountId = row.id;
  anna = await addPerson(hub, { role: "communicator", name: "Anna Andersson" });
  incident = (await api(hub, anna.token).post("/api/v1/incidents", { title: "Snöstorm", severity: "major" })).json;
});
afterAll(async () => {
  await hub?.close();
  await sandbox?.close();
});

const page = async (path: string) => (await hub.app.request(path, {}, { deps: hub.deps })).text();
const sent = () => sandbox.state("mastodon").posts.map((p) => p.text);

describe("kill switch", () => {
  test("only communicators and admins pause; editors, registrars and viewers cannot", async () => {
    for (const role of ["registrar", "viewer"]) {
      const p = await addPerson(hub, { role });
      expect((await api(hub, p.token).post("/api/v1/deliveries/pause", {})).status).toBe(403);
      expect((await api(hub, p.token).post("/api/v1/deliveries/resume", {})).status).toBe(403);
    }
    expect((await api(hub, anna.token).get("/api/v1/deliveries/pause")).json).toMatchObject({ paused: false });
  });

  test("while paused the website publishes and no delivery leaves; on resume it goes out", async () => {
    const paused = await api(hub, anna.token).post("/api/v1/deliveries/pause", { reason: "Fel länk i alla inlägg" });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.json).toMatchObject({
      paused: true,
      pausedAt: hub.clock.now().toISOString(),
      pausedBy: "Anna Andersson",
      reason: "Fel länk i alla inlägg",
    });

    hub.clock.advance(60_000);
    const again = await api(hub, anna.token).post("/api/v1/deliveries/pause", {});
    expect(again.json.pausedAt).toBe(paused.json.pausedAt);

    const posted = await api(hub, anna.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Vägarna plogas under natten.",
    });
    expect(posted.status, posted.text).toBe(201);
    expect(await page(`/incidents/${incident.slug}`)).toContain("Vägarna plogas under natten.");
    expect(posted.json.deliveries.map((d: { accountId: string }) => d.accountId)).toEqual([accountId]);
    const deliveryId = posted.json.deliveries[0].id;

    const report = await dispatchDue(hub.deps, { owner: "kill-switch-test" });
    expect(report.claimed).toBe(0);
    expect(sent()).toEqual([]);
    const [held] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    expect(held.status).toBe("pending");
    expect((await api(hub, anna.token).get("/api/v1/deliveries/pause")).json).toMatchObject({
      paused: true,
      waiting: 1,
    });

    hub.clock.advance(5 * 60_000);
    const resumed = await api(hub, anna.token).post("/api/v1/deliveries/resume", {});
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ paused: false, pausedAt: null, waiting: 1 });
    expect(hub.signalled.flat()).toContain(deliveryId);

    const after = await dispatchDue(hub.deps, { owner: "kill-switch-test" });
    expect(after.claimed).toBe(1);
    expect(sent()).toHaveLength(1);
    expect(sent()[0]).toContain("Vägarna plogas under natten.");
    const [done] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    expect(done.status).toBe("published");

    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityType, "organisation"));
    const switches = audit.filter((a) => a.action.startsWith("deliveries."));
    expect(switches.map((a) => [a.action, a.actorId])).toEqual([
      ["deliveries.paused", anna.id],
      ["deliveries.resumed", anna.id],
    ]);
    expect(switches[1].after).toMatchObject({ pausedForSeconds: 360 });
  });
});
