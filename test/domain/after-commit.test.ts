// Verbs own their after-commit work: called directly, not through a route, they wake the
// dispatcher for what they queued, purge the public pages they changed and send the
// notifications they wrote; a verb whose transaction fails signals nothing.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { Db } from "../../src/db/client";
import { deliveries, updates } from "../../src/db/schema";
import type { Deps } from "../../src/deps";
import { renameDepartment } from "../../src/domain/accounts/departments";
import type { Actor } from "../../src/domain/people/actor";
import { loadActor } from "../../src/domain/people/people";
import { approveUpdate, setApprovalRule } from "../../src/domain/publishing/approvals";
import { closeIncident, editIncident, openIncident } from "../../src/domain/publishing/incidents";
import { CHANNEL_PATHS, changedPublicPaths } from "../../src/domain/publishing/public-paths";
import { postUpdate, withdrawUpdate } from "../../src/domain/publishing/updates";
import { SYSTEM_ACTOR, startTestHub, type TestHub } from "../helpers/hub";
import { addAccount, addDepartment, addPerson } from "../helpers/people";

const WEBHOOK = "https://hooks.exempel.se/kriskanal";

let hub: TestHub;
let admin: Actor;
const purged: string[][] = [];
const deferred: Promise<unknown>[] = [];
/** Every piece of deferred work, awaited before the database closes (a sweep may still be running). */
const everything: Promise<unknown>[] = [];
const webhookCalls: string[] = [];
let accountIds: string[];

beforeAll(async () => {
  hub = await startTestHub({ env: { KRISKANAL_WEBHOOK_URL: WEBHOOK } });
  const ownPurge = hub.deps.onPublicChange;
  Object.assign(hub.deps, {
    onPublicChange: (paths: string[]) => {
      purged.push(paths);
      ownPurge(paths);
    },
    defer: (work: Promise<unknown>) => {
      deferred.push(work);
      everything.push(work.catch(() => {}));
    },
    fetch: async (input: RequestInfo | URL) => {
      webhookCalls.push(String(input));
      return new Response(null, { status: 204 });
    },
  } satisfies Partial<Deps>);
  admin = (await loadActor(hub.deps.db, hub.adminId, "token")) as Actor;
  accountIds = [(await addAccount(hub, { departmentId: null })).id, (await addAccount(hub, { departmentId: null })).id];
});
afterAll(async () => {
  await Promise.all(everything);
  await hub.close();
});
beforeEach(() => {
  hub.signalled.length = 0;
  purged.length = 0;
  deferred.length = 0;
  webhookCalls.length = 0;
});

async function openTestIncident(title: string) {
  const incident = await openIncident(hub.deps, admin, { title, severity: "info" });
  hub.signalled.length = 0;
  purged.length = 0;
  return incident;
}

/** The same database, except that every transaction is rolled back after its work has run. */
function rollingBack(db: Db): Db {
  return new Proxy(db, {
    get(target, key) {
      if (key !== "transaction") return Reflect.get(target, key);
      return (work: (tx: unknown) => Promise<unknown>) =>
        target.transaction(async (tx) => {
          await work(tx);
          throw new Error("the commit failed");
        });
    },
  });
}

describe("a verb called directly", () => {
  test("posting an update wakes the dispatcher for its deliveries and purges its pages", async () => {
    const incident = await openTestIncident("Vattenläcka vid torget");
    const posted = await postUpdate(hub.deps, admin, { incidentId: incident.id, body: "Vattnet är avstängt." });
    expect(posted.deliveries.map((d) => d.accountId).sort()).toEqual([...accountIds].sort());
    expect(hub.signalled).toEqual([posted.deliveries.map((d) => d.id)]);
    expect(purged).toEqual([changedPublicPaths(incident.slug, [posted.update.number])]);
  });

  test("opening, editing and closing an incident purge its pages, every update permalink included", async () => {
    const incident = await openIncident(hub.deps, admin, { title: "Storm över kusten", severity: "major" });
    expect(purged).toEqual([changedPublicPaths(incident.slug)]);
    await postUpdate(hub.deps, admin, { incidentId: incident.id, body: "Första." });
    await postUpdate(hub.deps, admin, { incidentId: incident.id, body: "Andra." });
    purged.length = 0;
    await editIncident(hub.deps, admin, incident.id, { title: "Storm över hela kusten" });
    await closeIncident(hub.deps, admin, incident.id);
    expect(purged).toEqual([changedPublicPaths(incident.slug, [1, 2]), changedPublicPaths(incident.slug, [1, 2])]);
    expect(hub.signalled.flat()).toHaveLength(4);
  });

  test("withdrawing an update purges its permalink; nothing sent means nothing to retract", async () => {
    const incident = await openTestIncident("Halka på gångbanorna");
    const posted = await postUpdate(hub.deps, admin, { incidentId: incident.id, body: "Sanda försiktigt." });
    purged.length = 0;
    hub.signalled.length = 0;
    const withdrawn = await withdrawUpdate(hub.deps, admin, posted.update.id, { reason: "Fel område." });
    expect(withdrawn.deliveries).toEqual([]);
    expect(hub.signalled).toEqual([]);
    expect(purged).toEqual([changedPublicPaths(incident.slug, [posted.update.number])]);
  });

  test("renaming a department purges the list of channels", async () => {
    const departmentId = await addDepartment(hub, "Miljöförvaltningen");
    await renameDepartment(hub.deps, admin, departmentId, { name: "Miljö- och hälsoskydd" });
    expect(purged).toEqual([[...CHANNEL_PATHS]]);
  });

  test("an update waiting for approval signals nothing; approving it signals, and borrowing notifies", async () => {
    const departmentId = await addDepartment(hub, "Räddningstjänsten");
    const borrowed = await addAccount(hub, {
      departmentId,
      editors: [{ name: "Eva", email: "eva@exempelkommun.se", role: "editor" }],
    });
    const incident = await openTestIncident("Brand i skogen");
    const poster = await addPerson(hub, { role: "communicator" });
    const posterActor = (await loadActor(hub.deps.db, poster.id, "token")) as Actor;
    await setApprovalRule(hub.deps, SYSTEM_ACTOR, { requireApproval: true });
    try {
      const waiting = await postUpdate(hub.deps, posterActor, {
        incidentId: incident.id,
        body: "Undvik området.",
        borrowingReason: "Räddningstjänstens följare behöver veta.",
      });
      expect(waiting.deliveries).toEqual([]);
      expect(hub.signalled).toEqual([]);
      expect(purged).toEqual([]);
      expect(webhookCalls).toEqual([]);
      const approved = await approveUpdate(hub.deps, admin, waiting.update.id);
      expect(approved.deliveries.find((d) => d.accountId === borrowed.id)?.borrowed).toBe(true);
      expect(hub.signalled).toEqual([approved.deliveries.map((d) => d.id)]);
      expect(purged).toEqual([changedPublicPaths(incident.slug, [approved.update.number])]);
      await Promise.all(deferred);
      expect(webhookCalls).toEqual([WEBHOOK]);
    } finally {
      await setApprovalRule(hub.deps, SYSTEM_ACTOR, { requireApproval: false });
    }
  });
});

describe("a verb whose transaction fails", () => {
  test("signals no delivery, purges no page and leaves nothing behind", async () => {
    const incident = await openTestIncident("Strömavbrott i norr");
    const failing = { ...hub.deps, db: rollingBack(hub.deps.db) };
    await expect(postUpdate(failing, admin, { incidentId: incident.id, body: "Elen är borta." })).rejects.toThrow(
      "the commit failed",
    );
    expect(hub.signalled).toEqual([]);
    expect(purged).toEqual([]);
    const written = await hub.deps.db.select().from(updates).where(eq(updates.incidentId, incident.id));
    expect(written).toEqual([]);
  });

  test("a refused change signals nothing either", async () => {
    const incident = await openTestIncident("Översvämning vid ån");
    await closeIncident(hub.deps, admin, incident.id);
    purged.length = 0;
    await expect(closeIncident(hub.deps, admin, incident.id)).rejects.toThrow(/already resolved/);
    await expect(postUpdate(hub.deps, admin, { incidentId: incident.id, body: "För sent." })).rejects.toThrow(
      /resolved/,
    );
    expect(hub.signalled).toEqual([]);
    expect(purged).toEqual([]);
    const queued = await hub.deps.db.select().from(deliveries).innerJoin(updates, eq(updates.id, deliveries.updateId));
    expect(queued.every((row) => row.updates.incidentId !== incident.id)).toBe(true);
  });
});
