// The four-eyes rule: with requireApproval on, an update waits, unseen by the public, until a
// second person approves it; urgent posts skip the wait and are logged as such.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog, borrowings, notifications } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addAccount, addDepartment, addPerson, type TestPerson } from "../helpers/people";

let hub: TestHub;
let anna: TestPerson;
let bo: TestPerson;
let editor: TestPerson;
let incident: { id: string; slug: string };
let orgAccount: Awaited<ReturnType<typeof addAccount>>;
let vaAccount: Awaited<ReturnType<typeof addAccount>>;

beforeAll(async () => {
  hub = await startTestHub();
  const kommunikation = await addDepartment(hub, "Kommunikationsenheten");
  const va = await addDepartment(hub, "VA-avdelningen");
  anna = await addPerson(hub, { role: "communicator", name: "Anna Andersson", departmentIds: [kommunikation] });
  bo = await addPerson(hub, { role: "communicator", name: "Bo Berg", departmentIds: [kommunikation] });
  editor = await addPerson(hub, { role: "editor", departmentIds: [va] });
  orgAccount = await addAccount(hub, { departmentId: null });
  vaAccount = await addAccount(hub, { departmentId: va });
  incident = (await api(hub, anna.token).post("/api/v1/incidents", { title: "Vattenläcka", severity: "major" })).json;
  const on = await api(hub, hub.token).patch("/api/v1/organisation", { requireApproval: true });
  expect(on.status, on.text).toBe(200);
  expect(on.json.requireApproval).toBe(true);
});
afterAll(() => hub.close());

const page = async (path: string) => (await hub.app.request(path, {}, { deps: hub.deps })).text();
const post = (who: TestPerson, body: Record<string, unknown>) =>
  api(hub, who.token).post(`/api/v1/incidents/${incident.id}/updates`, { targets: [orgAccount.id], ...body });

describe("four eyes", () => {
  test("only admins switch the rule, and the switch is audited", async () => {
    expect((await api(hub, anna.token).patch("/api/v1/organisation", { requireApproval: false })).status).toBe(403);
    const bad = await api(hub, hub.token).patch("/api/v1/organisation", { requireApproval: "ja" });
    expect(bad.status).toBe(400);
    const [entry] = await hub.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "organisation.approval_required"));
    expect(entry.actorId).toBe(hub.adminId);
    expect((await api(hub, anna.token).get("/api/v1/organisation")).json.requireApproval).toBe(true);
  });

  test("an update waits unseen until a second communicator approves it; the poster cannot", async () => {
    const res = await post(anna, { body: "Vattnet stängs av kl 13." });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ state: "pending_approval", publishedAt: null, deliveries: [] });
    expect(await page(`/incidents/${incident.slug}`)).not.toContain("Vattnet stängs av kl 13.");
    expect(await page("/feed.atom")).not.toContain("Vattnet stängs av kl 13.");
    const waiting = await api(hub, bo.token).get("/api/v1/approvals");
    expect(waiting.json.updates.map((u: { id: string }) => u.id)).toContain(res.json.id);

    const self = await api(hub, anna.token).post(`/api/v1/updates/${res.json.id}/approve`);
    expect(self.status).toBe(403);
    expect(self.json.error.detail).toMatch(/second person/);
    expect((await api(hub, editor.token).post(`/api/v1/updates/${res.json.id}/approve`)).status).toBe(403);
    const viewer = await addPerson(hub, { role: "viewer" });
    expect((await api(hub, viewer.token).post(`/api/v1/updates/${res.json.id}/approve`)).status).toBe(403);

    hub.clock.advance(120_000);
    const approved = await api(hub, bo.token).post(`/api/v1/updates/${res.json.id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ state: "published", publishedAt: hub.clock.now().toISOString() });
    expect(approved.json.deliveries.map((d: { accountId: string }) => d.accountId)).toEqual([orgAccount.id]);
    expect(hub.signalled.flat()).toContain(approved.json.deliveries[0].id);
    expect(await page(`/incidents/${incident.slug}`)).toContain("Vattnet stängs av kl 13.");
    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, res.json.id));
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ["update.awaiting_approval", anna.id],
      ["update.approved", bo.id],
    ]);
    expect((await api(hub, hub.token).post(`/api/v1/updates/${res.json.id}/approve`)).status).toBe(409);
  });

  test("urgent skips the wait and is logged as urgent", async () => {
    const res = await post(anna, { body: "Akut: drick inte kranvattnet.", urgent: true });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ state: "published", urgent: true });
    expect(res.json.deliveries).toHaveLength(1);
    expect(await page(`/incidents/${incident.slug}`)).toContain("Akut: drick inte kranvattnet.");
    const [entry] = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, res.json.id));
    expect(entry).toMatchObject({ action: "update.posted_urgent", actorId: anna.id });
  });

  test("admins wait too: four eyes holds for everyone", async () => {
    const res = await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Admin skriver." });
    expect(res.json.state).toBe("pending_approval");
    expect((await api(hub, hub.token).post(`/api/v1/updates/${res.json.id}/approve`)).status).toBe(403);
    expect((await api(hub, anna.token).post(`/api/v1/updates/${res.json.id}/approve`)).status).toBe(200);
  });

  test("a rejected update never goes public; the poster is told why", async () => {
    const res = await post(anna, { body: "Fel uppgift om skolan." });
    const noReason = await api(hub, bo.token).post(`/api/v1/updates/${res.json.id}/reject`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.fields[0].field).toBe("reason");
    expect(
      (await api(hub, anna.token).post(`/api/v1/updates/${res.json.id}/reject`, { reason: "Ångrar" })).status,
    ).toBe(403);
    const rejected = await api(hub, bo.token).post(`/api/v1/updates/${res.json.id}/reject`, {
      reason: "Skolan är inte berörd",
    });
    expect(rejected.status).toBe(200);
    expect(rejected.json.state).toBe("rejected");
    expect((await api(hub, hub.token).post(`/api/v1/updates/${res.json.id}/approve`)).status).toBe(409);
    expect(await page(`/incidents/${incident.slug}`)).not.toContain("Fel uppgift om skolan.");
    const told = await api(hub, anna.token).get("/api/v1/notifications");
    expect(told.json.notifications[0]).toMatchObject({ kind: "update.rejected" });
    expect(told.json.notifications[0].message).toContain("Skolan är inte berörd");
    const kept = await api(hub, hub.token).get(`/api/v1/updates/${res.json.id}`);
    expect(kept.json.body).toBe("Fel uppgift om skolan.");
  });

  test("an update approved after a later one went out takes the next number", async () => {
    const waiting = await post(anna, { body: "Först skriven, senare godkänd." });
    const urgent = await post(anna, { body: "Skickad direkt.", urgent: true });
    expect(urgent.json.number).toBe(waiting.json.number + 1);
    const approved = await api(hub, bo.token).post(`/api/v1/updates/${waiting.json.id}/approve`);
    expect(approved.json.number).toBe(urgent.json.number + 1);
    const html = (await page(`/incidents/${incident.slug}?ordning=aldst`)).split("Alla uppdateringar")[1];
    expect(html.indexOf("Skickad direkt.")).toBeLessThan(html.indexOf("Först skriven, senare godkänd."));
  });

  test("a waiting borrowing is recorded on approval, as the poster's", async () => {
    const res = await post(anna, {
      body: "Via VA-kontot.",
      targets: [vaAccount.id],
      borrowingReason: "VA-redaktörerna nås inte",
    });
    expect(res.json.state).toBe("pending_approval");
    const none = await hub.deps.db.select().from(borrowings).where(eq(borrowings.updateId, res.json.id));
    expect(none).toEqual([]);
    const approved = await api(hub, bo.token).post(`/api/v1/updates/${res.json.id}/approve`);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json.deliveries[0]).toMatchObject({ accountId: vaAccount.id, borrowed: true });
    const rows = await hub.deps.db.select().from(borrowings).where(eq(borrowings.updateId, res.json.id));
    expect(rows).toMatchObject([{ personId: anna.id, accountId: vaAccount.id, reason: "VA-redaktörerna nås inte" }]);
    const notified = await hub.deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.kind, "account.borrowed"), eq(notifications.personId, editor.id)));
    expect(notified).toHaveLength(1);
  });

  test("an editor's own pending updates are listed to them; others' are not", async () => {
    await post(anna, { body: "Annas väntande." });
    const own = await api(hub, editor.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Redaktörens väntande.",
      targets: [vaAccount.id],
    });
    expect(own.json.state).toBe("pending_approval");
    const list = await api(hub, editor.token).get("/api/v1/approvals");
    expect(list.json.updates.map((u: { body: string }) => u.body)).toEqual(["Redaktörens väntande."]);
  });
});
