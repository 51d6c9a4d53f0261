// Crisis borrowing (MISSION requirement 2): allowed only in an active incident with a reason,
// recorded, and the account's editors told, in the staff interface and by webhook.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { auditLog, borrowings, notifications, updates } from "../../src/db/schema";
import { sendPendingNotifications } from "../../src/domain/people/notify";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addAccount, addDepartment, addPerson, type TestPerson } from "../helpers/people";

let hub: TestHub;
let webhook: Server;
const received: {
  headers: Record<string, unknown>;
  body: { email: string; data: { incidentId: string } };
  raw: string;
}[] = [];
const WEBHOOK_SECRET = "delad-hemlighet-for-webhooken";
let webhookFails = false;
let communicator: TestPerson;
let editor: TestPerson;
let vaAccount: Awaited<ReturnType<typeof addAccount>>;
let ownAccount: Awaited<ReturnType<typeof addAccount>>;
let va: string;

beforeAll(async () => {
  webhook = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => {
      if (webhookFails) return void res.writeHead(500).end();
      received.push({ headers: req.headers, body: JSON.parse(text), raw: text });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const port = (webhook.address() as AddressInfo).port;
  hub = await startTestHub({
    env: { KRISKANAL_WEBHOOK_URL: `http://127.0.0.1:${port}/kriskanal`, KRISKANAL_WEBHOOK_SECRET: WEBHOOK_SECRET },
  });
  const kommunikation = await addDepartment(hub, "Kommunikationsenheten");
  va = await addDepartment(hub, "VA-avdelningen");
  communicator = await addPerson(hub, { role: "communicator", name: "Anna Andersson", departmentIds: [kommunikation] });
  editor = await addPerson(hub, { role: "editor", name: "Eva Ek", departmentIds: [va] });
  vaAccount = await addAccount(hub, {
    departmentId: va,
    platform: "facebook",
    editors: [
      { name: "Eva Ek", email: editor.email.toUpperCase(), role: "editor" },
      { name: "Per Persson", email: "per.persson@exempelkommun.se", role: "deputy" },
    ],
  });
  ownAccount = await addAccount(hub, { departmentId: kommunikation });
});
afterAll(async () => {
  await hub?.close();
  await new Promise((resolve) => webhook?.close(resolve));
});

async function openIncident(title: string, extra: Record<string, unknown> = {}) {
  const res = await api(hub, communicator.token).post("/api/v1/incidents", { title, severity: "major", ...extra });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; slug: string };
}

const rowsOf = async (incidentId: string) => ({
  updates: await hub.deps.db.select().from(updates).where(eq(updates.incidentId, incidentId)),
  borrowings: await hub.deps.db.select().from(borrowings).where(eq(borrowings.incidentId, incidentId)),
});

describe("crisis borrowing", () => {
  test("allowed with a reason in an active incident: recorded, audited, editors notified and the webhook called", async () => {
    const incident = await openIncident("Vattenläcka i centrum");
    const res = await api(hub, communicator.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Vattnet är avstängt på Storgatan.",
      targets: [vaAccount.id, ownAccount.id],
      borrowingReason: "VA-avdelningens redaktörer nås inte under natten",
    });
    expect(res.status, res.text).toBe(201);
    const borrowed = Object.fromEntries(
      res.json.deliveries.map((d: { accountId: string; borrowed: boolean }) => [d.accountId, d.borrowed]),
    );
    expect(borrowed).toEqual({ [vaAccount.id]: true, [ownAccount.id]: false });

    const list = await api(hub, communicator.token).get(`/api/v1/borrowings?incidentId=${incident.id}`);
    expect(list.status).toBe(200);
    expect(list.json.borrowings).toEqual([
      {
        id: expect.any(String),
        person: { id: communicator.id, name: "Anna Andersson" },
        account: { id: vaAccount.id, platform: "facebook", handle: vaAccount.handle, departmentId: va },
        incident: { id: incident.id, title: "Vattenläcka i centrum", slug: incident.slug },
        updateId: res.json.id,
        updateNumber: 1,
        reason: "VA-avdelningens redaktörer nås inte under natten",
        at: hub.clock.now().toISOString(),
      },
    ]);
    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, "account.borrowed"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: communicator.id, accountId: vaAccount.id, incidentId: incident.id });

    // One notification per editor: the person Eva (matched by email, whatever its case) and Per,
    // who is named on the account but has no login.
    const rows = await hub.deps.db.select().from(notifications).where(eq(notifications.kind, "account.borrowed"));
    expect(rows.map((r) => r.email?.toLowerCase()).sort()).toEqual(
      [editor.email, "per.persson@exempelkommun.se"].sort(),
    );
    expect(rows.find((r) => r.email?.toLowerCase() === editor.email)?.personId).toBe(editor.id);
    const evas = await api(hub, editor.token).get("/api/v1/notifications");
    expect(evas.json.notifications).toHaveLength(1);
    expect(evas.json.notifications[0].message).toContain("Anna Andersson");
    expect(evas.json.notifications[0].message).toContain(vaAccount.handle);
    expect(evas.json.notifications[0].message).toContain("nås inte under natten");
    expect((await api(hub, communicator.token).get("/api/v1/notifications")).json.notifications).toHaveLength(0);

    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 10_000 });
    expect(received.map((r) => r.body.email.toLowerCase()).sort()).toEqual(
      [editor.email, "per.persson@exempelkommun.se"].sort(),
    );
    expect(received[0].headers["x-kriskanal-event"]).toBe("account.borrowed");
    // The receiver can check the body came from this hub: HMAC-SHA256 of "<t>.<body>" with the shared secret.
    const signature = String(received[0].headers["x-kriskanal-signature"]);
    const [, t, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature) ?? [];
    expect(t).toBeTruthy();
    expect(mac).toBe(createHmac("sha256", WEBHOOK_SECRET).update(`${t}.${received[0].raw}`).digest("hex"));
    expect(mac).not.toBe(
      createHmac("sha256", "en-annan-hemlighet-123").update(`${t}.${received[0].raw}`).digest("hex"),
    );
    expect(received[0].body).toMatchObject({
      kind: "account.borrowed",
      data: { accountId: vaAccount.id, incidentId: incident.id, updateId: res.json.id, borrowedBy: "Anna Andersson" },
    });
    await vi.waitFor(async () => {
      const sent = await hub.deps.db.select().from(notifications).where(eq(notifications.kind, "account.borrowed"));
      expect(sent.every((n) => n.sentAt !== null)).toBe(true);
    });

    const read = await api(hub, editor.token).post(`/api/v1/notifications/${evas.json.notifications[0].id}/read`);
    expect(read.status).toBe(200);
    expect(read.json.readAt).toBe(hub.clock.now().toISOString());
    expect((await api(hub, editor.token).get("/api/v1/notifications?unread=true")).json.notifications).toHaveLength(0);
    const notMine = await api(hub, communicator.token).post(
      `/api/v1/notifications/${evas.json.notifications[0].id}/read`,
    );
    expect(notMine.status).toBe(404);
  });

  test("refused without a reason: 403 naming the account, and nothing is written", async () => {
    const incident = await openIncident("Skyfall");
    const res = await api(hub, communicator.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Undvik källare.",
      targets: [vaAccount.id],
    });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("borrowing_reason_required");
    expect(res.json.error.params.accounts).toContain(vaAccount.handle);
    expect(res.json.error.detail).toContain(vaAccount.handle);
    expect(res.json.error.detail).toContain("borrowingReason");
    expect(await rowsOf(incident.id)).toEqual({ updates: [], borrowings: [] });
  });

  test("the incident's standing reason covers every update of it", async () => {
    const incident = await openIncident("Storm");
    const set = await api(hub, communicator.token).patch(`/api/v1/incidents/${incident.id}`, {
      borrowingReason: "Krisledningen har beslutat om samordnad information",
    });
    expect(set.status).toBe(200);
    const res = await api(hub, communicator.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Träd har fallit över vägar.",
      targets: [vaAccount.id],
    });
    expect(res.status, res.text).toBe(201);
    const { borrowings: rows } = await rowsOf(incident.id);
    expect(rows.map((r) => r.reason)).toEqual(["Krisledningen har beslutat om samordnad information"]);
  });

  test("refused once the incident is resolved, with a clear 403", async () => {
    const incident = await openIncident("Strömavbrott", { borrowingReason: "Samordnad information" });
    expect((await api(hub, communicator.token).post(`/api/v1/incidents/${incident.id}/close`)).status).toBe(200);
    const res = await api(hub, communicator.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Strömmen är tillbaka.",
      targets: [vaAccount.id],
      borrowingReason: "Efterinformation",
    });
    expect(res.status).toBe(403);
    expect(res.json.error.detail).toBe("Department accounts can be borrowed only while the incident is active.");
    expect((await rowsOf(incident.id)).borrowings).toEqual([]);
  });

  test("editors see the borrowings of their own accounts; viewers none", async () => {
    const own = await api(hub, editor.token).get("/api/v1/borrowings");
    expect(own.status).toBe(200);
    expect(own.json.borrowings.length).toBeGreaterThan(0);
    expect(own.json.borrowings.every((b: { account: { departmentId: string } }) => b.account.departmentId === va)).toBe(
      true,
    );
    const other = await addPerson(hub, { role: "editor", departmentIds: [await addDepartment(hub, "Kultur")] });
    expect((await api(hub, other.token).get("/api/v1/borrowings")).json.borrowings).toEqual([]);
    const viewer = await addPerson(hub, { role: "viewer" });
    expect((await api(hub, viewer.token).get("/api/v1/borrowings")).status).toBe(403);
    const registrar = await addPerson(hub, { role: "registrar" });
    const all = await api(hub, registrar.token).get(`/api/v1/borrowings?accountId=${vaAccount.id}`);
    expect(all.json.borrowings.length).toBe(own.json.borrowings.length);
  });

  test("a notification the webhook refused is sent again by the next sweep", async () => {
    const incident = await openIncident("Översvämning", { borrowingReason: "Samordnad information" });
    webhookFails = true;
    const before = received.length;
    const res = await api(hub, communicator.token).post(`/api/v1/incidents/${incident.id}/updates`, {
      body: "Håll er borta från ån.",
      targets: [vaAccount.id],
    });
    expect(res.status).toBe(201);
    await vi.waitFor(() => expect(hub.logLines.some((l) => l.includes("notification webhook failed"))).toBe(true), {
      timeout: 10_000,
    });
    await vi.waitFor(async () => {
      const unsent = await hub.deps.db.select().from(notifications).where(isNull(notifications.sentAt));
      expect(unsent).toHaveLength(2);
    });
    webhookFails = false;
    expect(await sendPendingNotifications(hub.deps)).toEqual({ sent: 2, failed: 0 });
    expect(received.slice(before).map((r) => r.body.data.incidentId)).toEqual([incident.id, incident.id]);
    expect(await sendPendingNotifications(hub.deps)).toEqual({ sent: 0, failed: 0 });
  });
});
