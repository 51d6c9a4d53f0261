// The kill switch: one action pauses every social delivery still waiting (the dispatcher claims
// nothing while organisations.deliveriesPausedAt is set); the website keeps publishing, and the
// waiting deliveries go out in order once resumed.
import { count, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { auditLog, deliveries } from "../../db/schema";
import type { Deps } from "../../deps";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { type CommitSignalDeps, signalCommittedChange } from "./after-commit";
import { getOrganisation, setOrganisationFlags } from "./organisation";

export const PauseInput = z.object({ reason: z.string().trim().min(3).max(500).optional() });

export interface PauseStatus {
  paused: boolean;
  pausedAt: Date | null;
  pausedBy: string | null;
  /** The identity provider's subject of whoever paused, when they signed in through it. */
  pausedBySubject: string | null;
  reason: string | null;
  /** Deliveries waiting to be sent (held back while paused). */
  waiting: number;
}

export async function readPauseStatus(db: DbOrTx): Promise<PauseStatus> {
  const org = await getOrganisation(db);
  const [{ n }] = await db.select({ n: count() }).from(deliveries).where(eq(deliveries.status, "pending"));
  if (!org.deliveriesPausedAt) {
    return { paused: false, pausedAt: null, pausedBy: null, pausedBySubject: null, reason: null, waiting: Number(n) };
  }
  // Who paused and why lives in the audit row of the pause, not in a second copy.
  const [entry] = await db
    .select({ actorName: auditLog.actorName, actorSubject: auditLog.actorSubject, after: auditLog.after })
    .from(auditLog)
    .where(eq(auditLog.action, "deliveries.paused"))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return {
    paused: true,
    pausedAt: org.deliveriesPausedAt,
    pausedBy: entry?.actorName ?? null,
    pausedBySubject: entry?.actorSubject ?? null,
    reason: ((entry?.after as { reason?: string } | null)?.reason ?? null) || null,
    waiting: Number(n),
  };
}

/** Idempotent: pausing while paused keeps the first pause time and writes nothing. */
export async function pauseDeliveries(deps: Pick<Deps, "db" | "now">, actor: Actor, raw: unknown = {}) {
  requireCan(actor, "delivery.pause");
  const input = PauseInput.parse(raw);
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    const org = await getOrganisation(tx);
    if (org.deliveriesPausedAt) return;
    await setOrganisationFlags(tx, org.id, { deliveriesPausedAt: now });
    await recordAudit(tx, actor, now, {
      action: "deliveries.paused",
      entityType: "organisation",
      entityId: org.id,
      after: { deliveriesPausedAt: now, reason: input.reason ?? null },
    });
  });
  return readPauseStatus(deps.db);
}

/** Resumes and wakes the dispatcher for everything that waited. */
export async function resumeDeliveries(
  deps: Pick<Deps, "db" | "now"> & CommitSignalDeps,
  actor: Actor,
): Promise<PauseStatus> {
  requireCan(actor, "delivery.pause");
  const now = deps.now();
  const waiting = await deps.db.transaction(async (tx) => {
    const org = await getOrganisation(tx);
    if (!org.deliveriesPausedAt) return [];
    await setOrganisationFlags(tx, org.id, { deliveriesPausedAt: null });
    await recordAudit(tx, actor, now, {
      action: "deliveries.resumed",
      entityType: "organisation",
      entityId: org.id,
      before: { deliveriesPausedAt: org.deliveriesPausedAt },
      after: {
        deliveriesPausedAt: null,
        pausedForSeconds: Math.round((now.getTime() - org.deliveriesPausedAt.getTime()) / 1000),
      },
    });
    return tx.select({ id: deliveries.id }).from(deliveries).where(eq(deliveries.status, "pending"));
  });
  signalCommittedChange(deps, { deliveries: waiting });
  return readPauseStatus(deps.db);
}
