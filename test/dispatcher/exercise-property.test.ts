// The promise of exercise mode, as a property: whichever accounts are exercise accounts, whatever
// the targets say ("all" or any list, real accounts included), and whatever follows (edits,
// withdrawals, approvals under four eyes), no delivery of an exercise is ever queued for, nor
// does any post of it ever reach, an account that is not an exercise account.

import { and, eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { accounts, deliveries, incidents, updates } from "../../src/db/schema";
import type { Platform } from "../../src/platforms/types";
import { addPerson } from "../archive/records-fixtures";
import { api } from "../helpers/hub";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

const PLATFORMS: Platform[] = ["mastodon", "bluesky", "telegram", "threads", "x"];
let hub: FanoutHub;
let second: { token: string };

beforeAll(async () => {
  hub = await startFanoutHub({ platforms: PLATFORMS });
  second = await addPerson(hub, "communicator");
});
afterAll(() => hub.close());

const Step = fc.oneof(
  fc.record({ kind: fc.constant("post" as const), targets: fc.option(fc.subarray(PLATFORMS), { nil: undefined }) }),
  fc.record({ kind: fc.constant("edit" as const) }),
  fc.record({ kind: fc.constant("withdraw" as const) }),
  fc.record({ kind: fc.constant("approve" as const) }),
);

test("no delivery of an exercise ever reaches an account that is not an exercise account", async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.subarray(PLATFORMS),
      fc.boolean(),
      fc.array(Step, { minLength: 1, maxLength: 5 }),
      async (exercisePlatforms, fourEyes, steps) => {
        run++;
        const marker = `körning-${run}`;
        const admin = api(hub, hub.token);
        const exerciseSet = new Set<Platform>(exercisePlatforms);
        for (const platform of PLATFORMS) {
          const res = await admin.patch(`/api/v1/accounts/${hub.accountIds[platform]}`, {
            exercise: exerciseSet.has(platform),
          });
          expect(res.status, res.text).toBe(200);
        }
        await admin.patch("/api/v1/organisation", { requireApproval: fourEyes });
        const incident = (
          await admin.post("/api/v1/incidents", { title: `Övning ${marker}`, severity: "major", exercise: true })
        ).json;
        const posted: string[] = [];
        for (const step of steps) {
          if (step.kind === "post") {
            const targets = step.targets ? step.targets.map((p) => hub.accountIds[p]) : "all";
            // The second communicator posts, so the admin can approve under four eyes.
            const res = await api(hub, second.token).post(`/api/v1/incidents/${incident.id}/updates`, {
              body: `Uppdatering ${posted.length + 1} i ${marker}.`,
              targets,
            });
            expect(res.status, res.text).toBe(201);
            posted.push(res.json.id);
            // Every real account that was asked for is reported left out, none is queued.
            const queued = new Set(res.json.deliveries.map((d: { accountId: string }) => d.accountId));
            for (const platform of step.targets ?? PLATFORMS) {
              if (!exerciseSet.has(platform)) expect(queued.has(hub.accountIds[platform])).toBe(false);
            }
          } else if (posted.length) {
            const id = posted[posted.length - 1];
            if (step.kind === "edit")
              await admin.patch(`/api/v1/updates/${id}`, {
                body: `Ändrad text i ${marker} (${id}).`,
                reason: "Rättelse",
              });
            if (step.kind === "withdraw")
              await admin.post(`/api/v1/updates/${id}/withdraw`, { reason: "Fel i övningen" });
            if (step.kind === "approve") await admin.post(`/api/v1/updates/${id}/approve`);
          }
          await hub.drain();
        }
        // The outbox: no row of this run's exercise names an account that is real in this run.
        const [{ wrong }] = await hub.deps.db
          .select({ wrong: sql<number>`count(*)` })
          .from(deliveries)
          .innerJoin(updates, eq(updates.id, deliveries.updateId))
          .innerJoin(incidents, eq(incidents.id, updates.incidentId))
          .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
          .where(and(eq(incidents.id, incident.id), eq(incidents.exercise, true), eq(accounts.exercise, false)));
        expect(Number(wrong)).toBe(0);
        // The platforms: nothing of this run on a real account (one account per platform).
        for (const platform of PLATFORMS.filter((p) => !exerciseSet.has(p))) {
          const leaked = hub.sandbox.state(platform).posts.filter((p) => p.text.includes(marker));
          expect(leaked, platform).toEqual([]);
        }
        // And it did reach the exercise accounts when something was published there.
        for (const platform of exercisePlatforms) {
          for (const post of hub.sandbox.state(platform).posts.filter((p) => p.text.includes(marker))) {
            expect(post.text.startsWith("ÖVNING – "), platform).toBe(true);
          }
        }
      },
    ),
    { numRuns: 15 },
  );
}, 240_000);
