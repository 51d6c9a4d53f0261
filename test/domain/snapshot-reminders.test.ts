// Snapshot reminders: an account not documented for half a year gets one reminder to its named
// editors and every admin, not another for 30 days, and none once a snapshot is taken; the
// webhook receives it; the Workers hourly cron runs it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog, notifications } from "../../src/db/schema";
import { SYSTEM_ACTOR } from "../../src/domain/people/actor";
import { BOOTSTRAP_ADMIN_EMAIL } from "../../src/domain/people/tokens";
import { remindStaleSnapshots, SNAPSHOT_REMINDER_KIND } from "../../src/domain/records/snapshot-reminders";
import { takeSnapshot } from "../../src/domain/records/snapshots";
import { HOURLY_CRON, runCron } from "../../src/workers/cron";
import { startTestHub, type TestHub } from "../helpers/hub";
import { addAccount, addDepartment, addPerson } from "../helpers/people";

const DAY = 86_400_000;

async function remindersFor(hub: TestHub, accountId: string) {
  const rows = await hub.deps.db.select().from(notifications).where(eq(notifications.kind, SNAPSHOT_REMINDER_KIND));
  return rows.filter((n) => n.data.accountId === accountId);
}

describe("snapshot reminders", () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  test("remind the named editors and every admin once, again only after 30 days, never after a fresh snapshot", async () => {
    const department = await addDepartment(hub, "Kultur och fritid");
    const editor = await addPerson(hub, { role: "editor", name: "Eva Redaktör", departmentIds: [department] });
    const admin = await addPerson(hub, { role: "admin", name: "Ada Admin" });
    const account = await addAccount(hub, {
      departmentId: department,
      platform: "facebook",
      editors: [
        { name: "Eva Redaktör", email: editor.email.toUpperCase(), role: "editor" },
        { name: "Dan Ersättare", email: "dan.ersattare@exempelkommun.se", role: "deputy" },
        // Listed twice, and also an admin: still one reminder for the person.
        { name: "Ada Admin", email: admin.email, role: "editor" },
      ],
    });
    const documented = await addAccount(hub, { departmentId: null, editors: [] });

    // Registered less than half a year ago: not late yet.
    hub.clock.advance(170 * DAY);
    expect(await remindStaleSnapshots(hub.deps)).toMatchObject({ stale: 0, reminded: 0 });
    await takeSnapshot(hub.deps, SYSTEM_ACTOR, documented.id, {});

    hub.clock.advance(20 * DAY);
    const first = await remindStaleSnapshots(hub.deps);
    expect(first).toMatchObject({ stale: 1, reminded: 1 });
    const sent = await remindersFor(hub, account.id);
    const recipients = sent.map((n) => n.email?.toLowerCase()).sort();
    expect(recipients).toEqual(
      [editor.email, "dan.ersattare@exempelkommun.se", admin.email, BOOTSTRAP_ADMIN_EMAIL]
        .map((e) => e.toLowerCase())
        .sort()
        .filter((e, i, all) => all.indexOf(e) === i),
    );
    expect(sent.find((n) => n.email?.toLowerCase() === editor.email.toLowerCase())?.personId).toBe(editor.id);
    expect(sent.find((n) => n.email === "dan.ersattare@exempelkommun.se")?.personId).toBeNull();
    const [one] = sent;
    expect(one.message).toContain(`facebook-kontot ${account.handle}`);
    expect(one.message).toContain("aldrig dokumenterats med en ögonblicksbild");
    expect(one.message).toContain("registrerades 21 november 2026");
    expect(one.message).toContain(`/api/v1/accounts/${account.id}/snapshots`);
    expect(one.data).toMatchObject({ accountId: account.id, lastSnapshotAt: null });
    expect(await remindersFor(hub, documented.id)).toEqual([]);
    const audit = await hub.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "snapshot.reminded"), eq(auditLog.accountId, account.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0].actorName).toBe(SYSTEM_ACTOR.name);

    // The hourly runs of the next 29 days add nothing.
    expect(await remindStaleSnapshots(hub.deps)).toMatchObject({ stale: 1, reminded: 0 });
    hub.clock.advance(29 * DAY);
    expect(await remindStaleSnapshots(hub.deps)).toMatchObject({ reminded: 0 });
    expect(await remindersFor(hub, account.id)).toHaveLength(sent.length);

    hub.clock.advance(2 * DAY);
    expect(await remindStaleSnapshots(hub.deps)).toMatchObject({ reminded: 1 });
    expect(await remindersFor(hub, account.id)).toHaveLength(2 * sent.length);

    // Documented now: no more reminders, however much later the runs come.
    await takeSnapshot(hub.deps, SYSTEM_ACTOR, account.id, {});
    hub.clock.advance(40 * DAY);
    expect(await remindStaleSnapshots(hub.deps)).toMatchObject({ reminded: 0 });
    expect(await remindersFor(hub, account.id)).toHaveLength(2 * sent.length);

    // Until that snapshot is itself more than half a year old; the message says when it was taken.
    hub.clock.advance(150 * DAY);
    expect(await remindStaleSnapshots(hub.deps)).toMatchObject({ reminded: 2 });
    const latest = (await remindersFor(hub, account.id)).at(-1);
    expect(latest?.message).toMatch(/Den senaste ögonblicksbilden av kontot togs \d+ \w+ 2027/);
    expect(latest?.data.lastSnapshotAt).toEqual(expect.any(String));
  });
});

describe("snapshot reminders by webhook and from the Workers cron", () => {
  let hub: TestHub;
  let webhook: Server;
  const received: { event: unknown; body: { kind: string; email: string; message: string; data: unknown } }[] = [];
  const deferred: Promise<unknown>[] = [];

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk) => {
        text += chunk;
      });
      req.on("end", () => {
        received.push({ event: req.headers["x-kriskanal-event"], body: JSON.parse(text) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
    const port = (webhook.address() as AddressInfo).port;
    hub = await startTestHub({
      env: { KRISKANAL_WEBHOOK_URL: `http://127.0.0.1:${port}/kriskanal` },
      deps: { defer: (work) => void deferred.push(work) },
    });
  });
  afterAll(async () => {
    await Promise.all(deferred);
    await hub.close();
    await new Promise((resolve) => webhook.close(resolve));
  });

  test("the hourly cron writes the reminder and the webhook receives it after commit", async () => {
    const account = await addAccount(hub, {
      departmentId: null,
      editors: [{ name: "Eva Redaktör", email: "eva@exempelkommun.se", role: "editor" }],
    });
    hub.clock.advance(200 * DAY);
    const report = await runCron(hub.deps, HOURLY_CRON);
    expect(report.snapshotsReminded).toBe(1);
    await Promise.all(deferred.splice(0));
    const reminders = received.filter((r) => r.event === SNAPSHOT_REMINDER_KIND);
    expect(reminders.map((r) => r.body.email).sort()).toEqual([BOOTSTRAP_ADMIN_EMAIL, "eva@exempelkommun.se"]);
    expect(reminders[0].body).toMatchObject({ kind: SNAPSHOT_REMINDER_KIND, data: { accountId: account.id } });
    expect(reminders[0].body.message).toContain(account.handle);
    const rows = await remindersFor(hub, account.id);
    expect(rows.every((n) => n.sentAt !== null)).toBe(true);

    // The next hour's cron sends nothing new.
    hub.clock.advance(3_600_000);
    expect((await runCron(hub.deps, HOURLY_CRON)).snapshotsReminded).toBe(0);
    await Promise.all(deferred.splice(0));
    expect(received.filter((r) => r.event === SNAPSHOT_REMINDER_KIND)).toHaveLength(2);
  });
});
