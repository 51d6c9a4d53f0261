// The optional four-eyes rule: with organisations.requireApproval on, a posted update waits
// (state pending_approval, not public) until a second person approves or rejects it.
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { incidents, notifications, updates } from "../../db/schema";
import type { Deps } from "../../deps";
import { leaseForHandoff, withLeases } from "../../dispatcher/handoff";
import { ConflictError, NotFoundError } from "../../errors";
import { can, requireApprove, requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { scheduleNotifications } from "../people/notify";
import { loadActor } from "../people/people";
import { recordAudit } from "../records/audit";
import { signalCommittedChange } from "./after-commit";
import { requireIncident } from "./incidents";
import { bumpPublicRevision, getOrganisation, setOrganisationFlags } from "./organisation";
import { changedPublicPaths } from "./public-paths";
import { resolveTargets } from "./targets";
import { type PostUpdateDeps, startDelivering, type Update } from "./updates";

async function lockPending(tx: DbOrTx, id: string): Promise<Update> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("update");
  const [row] = await tx.select().from(updates).where(eq(updates.id, id)).for("update");
  if (!row) throw new NotFoundError("update");
  return row;
}

function requireWaiting(update: Update) {
  if (update.withdrawnAt) throw new ConflictError("update_withdrawn", "The update was withdrawn.");
  if (update.state !== "pending_approval") {
    throw new ConflictError(
      "update_not_awaiting_approval",
      `The update is not awaiting approval (it is ${update.state}).`,
      {
        params: { state: update.state },
      },
    );
  }
}

/**
 * Publishes a waiting update as its poster would have: their publishing rights and borrowing,
 * checked again now (the incident may have been resolved meanwhile). If later updates went out
 * while it waited, it takes the next number, so the public reads updates in the order they
 * were published.
 */
export async function approveUpdate(deps: PostUpdateDeps, actor: Actor, id: string) {
  requireCan(actor, "update.approve");
  const now = deps.now();
  const handoff = deps.deliveryHandoff;
  const approved = await deps.db.transaction(async (tx) => {
    const before = await lockPending(tx, id);
    requireApprove(actor, before);
    requireWaiting(before);
    const incident = await requireIncident(tx, before.incidentId);
    const poster = before.postedBy ? await loadActor(tx, before.postedBy, "session") : null;
    if (!poster) throw new ConflictError("update_has_no_poster", "The update has no poster to publish it as.");
    const { targets } = await resolveTargets(tx, poster, incident, before.targets, before.borrowingReason ?? undefined);
    if (incident.status !== "active")
      throw new ConflictError("incident_resolved", "The incident was resolved while the update waited.");
    const [overtaken] = await tx
      .select({ max: sql<number>`max(${updates.number})` })
      .from(updates)
      .where(and(eq(updates.incidentId, incident.id), gt(updates.number, before.number)));
    const number = overtaken?.max ? Number(overtaken.max) + 1 : before.number;
    const [after] = await tx
      .update(updates)
      .set({ state: "published", publishedAt: now, approvedBy: actor.id || null, number })
      .where(eq(updates.id, id))
      .returning();
    const queued = await startDelivering(
      tx,
      poster,
      after,
      incident,
      targets,
      before.borrowingReason ?? incident.borrowingReason,
      now,
    );
    await recordAudit(tx, actor, now, {
      action: "update.approved",
      entityType: "update",
      entityId: id,
      incidentId: incident.id,
      before,
      after,
    });
    await tx.update(incidents).set({ updatedAt: now }).where(eq(incidents.id, incident.id));
    await bumpPublicRevision(tx);
    // Last, under the organisation's row lock the bump took (see leaseForHandoff).
    const leased = await leaseForHandoff(tx, deps.now, handoff, queued);
    const known = { accounts: targets.map((t) => t.account) };
    return { update: after, incident, deliveries: withLeases(queued, leased), leased, known };
  });
  signalCommittedChange(deps, {
    deliveries: approved.deliveries,
    handedOver: handoff && { to: handoff, claimed: approved.leased, known: approved.known },
    publicPaths: changedPublicPaths(approved.incident.slug, [approved.update.number], approved.incident.exercise),
  });
  if (approved.deliveries.some((d) => d.borrowed)) scheduleNotifications(deps);
  return { update: approved.update, incident: approved.incident, deliveries: approved.deliveries };
}

export const RejectUpdateInput = z.object({ reason: z.string().trim().min(3).max(500) });

/** Never public, kept as a record; the poster is told why. */
export async function rejectUpdate(deps: PostUpdateDeps, actor: Actor, id: string, raw: unknown) {
  requireCan(actor, "update.approve");
  const input = RejectUpdateInput.parse(raw);
  const now = deps.now();
  const rejected = await deps.db.transaction(async (tx) => {
    const before = await lockPending(tx, id);
    requireApprove(actor, before);
    requireWaiting(before);
    const incident = await requireIncident(tx, before.incidentId);
    const [after] = await tx.update(updates).set({ state: "rejected" }).where(eq(updates.id, id)).returning();
    if (before.postedBy) {
      await tx.insert(notifications).values({
        personId: before.postedBy,
        kind: "update.rejected",
        message: `${actor.name} godkände inte uppdatering ${before.number} om ”${incident.title}”. Skäl: ${input.reason}`,
        data: { updateId: id, incidentId: incident.id, rejectedBy: actor.name, reason: input.reason },
        createdAt: now,
      });
    }
    await recordAudit(tx, actor, now, {
      action: "update.rejected",
      entityType: "update",
      entityId: id,
      incidentId: incident.id,
      before,
      after: { ...after, rejectionReason: input.reason },
    });
    return { update: after, incident };
  });
  scheduleNotifications(deps);
  return rejected;
}

/** What waits for a second pair of eyes; people who cannot approve see only their own. */
export async function listPendingUpdates(db: DbOrTx, actor: Actor) {
  return db
    .select({ update: updates, incident: incidents })
    .from(updates)
    .innerJoin(incidents, eq(incidents.id, updates.incidentId))
    .where(
      and(
        eq(updates.state, "pending_approval"),
        can(actor, "update.approve") ? undefined : eq(updates.postedBy, actor.id),
        sql`${updates.withdrawnAt} is null`,
      ),
    )
    .orderBy(asc(updates.createdAt));
}

export const ApprovalRuleInput = z.object({ requireApproval: z.boolean() });

export async function setApprovalRule(deps: Pick<Deps, "db" | "now">, actor: Actor, raw: unknown) {
  requireCan(actor, "settings.manage");
  const input = ApprovalRuleInput.parse(raw);
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const before = await getOrganisation(tx);
    if (before.requireApproval === input.requireApproval) return before;
    const after = await setOrganisationFlags(tx, before.id, { requireApproval: input.requireApproval });
    await recordAudit(tx, actor, now, {
      action: input.requireApproval ? "organisation.approval_required" : "organisation.approval_lifted",
      entityType: "organisation",
      entityId: before.id,
      before: { requireApproval: before.requireApproval },
      after: { requireApproval: after.requireApproval },
    });
    return after;
  });
}
