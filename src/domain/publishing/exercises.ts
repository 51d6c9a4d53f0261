// Exercises (krisövningar): an incident opened with `exercise: true` runs the whole workflow but
// publishes only to exercise accounts (targets.ts, deliveries.ts, and the dispatcher's and the
// gateway's last guards), lives under /ovning, and says ÖVNING everywhere. Resetting ends a run
// so the team can start a fresh one; like everything else, nothing of it is deleted.
import { and, eq, inArray, sql } from "drizzle-orm";
import { deliveries, incidents, updates } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError } from "../../errors";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { type CommitSignalDeps, signalCommittedChange } from "./after-commit";
import { type Incident, requireIncident } from "./incidents";
import { bumpPublicRevision } from "./organisation";
import { changedPublicPaths } from "./public-paths";

/** Why a delivery or an update stopped at a reset; shown on the status board and in the record. */
export const RESET_MESSAGE = "Övningen återställdes innan leveransen skickades.";

export interface ResetExercise {
  incident: Incident;
  /** Publishes and edits that had not gone out yet and now never will. */
  cancelledDeliveries: number;
  /** Updates that waited for a second pair of eyes, now rejected. */
  rejectedUpdates: number;
  /** The input that opens a fresh run of the same exercise (POST /api/v1/incidents). */
  next: ReturnType<typeof freshExerciseInput>;
}

/**
 * Resets an exercise: in one transaction it is closed (if still active) and marked reset (who,
 * when); what had not gone out yet never will (pending publishes and edits are cancelled, updates
 * awaiting approval rejected). Kept as they were: its updates and their revisions, the posts on
 * exercise accounts and their delivery rows (retractions already queued still run), its pages
 * under /ovning and the audit log, so the evaluation sees the run as it was. A real incident is
 * never reset (409 incident_not_exercise), and a reset is done once (409 exercise_already_reset).
 */
export async function resetExercise(
  deps: Pick<Deps, "db" | "now"> & CommitSignalDeps,
  actor: Actor,
  id: string,
): Promise<ResetExercise> {
  requireCan(actor, "incident.reset");
  const now = deps.now();
  const reset = await deps.db.transaction(async (tx) => {
    const before = await requireIncident(tx, id);
    // Locked, so two people resetting at once cannot both pass the checks below.
    await tx.execute(sql`select id from incidents where id = ${before.id} for update`);
    if (!before.exercise)
      throw new ConflictError("incident_not_exercise", "Only an exercise can be reset; close a real incident instead.");
    if (before.resetAt)
      throw new ConflictError("exercise_already_reset", "The exercise is already reset.", {
        params: { resetAt: before.resetAt.toISOString() },
      });
    const ofIncident = tx.select({ id: updates.id }).from(updates).where(eq(updates.incidentId, id));
    const cancelled = await tx
      .update(deliveries)
      .set({ status: "cancelled", message: RESET_MESSAGE, updatedAt: now })
      .where(
        and(
          inArray(deliveries.updateId, ofIncident),
          eq(deliveries.status, "pending"),
          inArray(deliveries.kind, ["publish", "edit"]),
        ),
      )
      .returning({ id: deliveries.id });
    const rejected = await tx
      .update(updates)
      .set({ state: "rejected" })
      .where(and(eq(updates.incidentId, id), eq(updates.state, "pending_approval")))
      .returning({ id: updates.id });
    const closing =
      before.status === "active" ? { status: "resolved" as const, closedAt: now, closedBy: actor.id || null } : {};
    const [after] = await tx
      .update(incidents)
      .set({ ...closing, resetAt: now, resetBy: actor.id || null, updatedAt: now })
      .where(eq(incidents.id, id))
      .returning();
    await recordAudit(tx, actor, now, {
      action: "exercise.reset",
      entityType: "incident",
      entityId: id,
      incidentId: id,
      before,
      after: {
        ...after,
        cancelledDeliveries: cancelled.map((d) => d.id),
        rejectedUpdates: rejected.map((u) => u.id),
      },
    });
    await bumpPublicRevision(tx);
    const numbers = await tx.select({ number: updates.number }).from(updates).where(eq(updates.incidentId, id));
    return {
      incident: after,
      cancelledDeliveries: cancelled.length,
      rejectedUpdates: rejected.length,
      publicPaths: changedPublicPaths(
        after.slug,
        numbers.map((n) => n.number),
        true,
      ),
    };
  });
  signalCommittedChange(deps, { publicPaths: reset.publicPaths });
  return {
    incident: reset.incident,
    cancelledDeliveries: reset.cancelledDeliveries,
    rejectedUpdates: reset.rejectedUpdates,
    next: freshExerciseInput(reset.incident),
  };
}

/** What a fresh run of an exercise starts from: the same scenario, a new incident (new slug, no updates). */
export function freshExerciseInput(incident: Incident) {
  return {
    exercise: true as const,
    title: incident.title,
    ...(incident.summary ? { summary: incident.summary } : {}),
    severity: incident.severity,
    areas: incident.areas,
    areaCodes: incident.areaCodes,
    ...(incident.polygon ? { polygon: incident.polygon } : {}),
    cap: incident.cap,
  };
}
