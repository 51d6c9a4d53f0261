// What a new update will be, worked out once for both the preview and the real post: the checks,
// the incident, the target accounts and the fields every adapter composes from. postUpdate stores
// exactly this draft and the dispatcher composes from the stored row with the same contentFor the
// preview uses, so a preview cannot drift from what is published.
import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { updates } from "../../db/schema";
import { ConflictError } from "../../errors";
import type { Actor } from "../people/actor";
import { type Incident, requireIncident } from "./incidents";
import { resolveUpdateImage } from "./media";
import { refusePersonalIdentityNumbers } from "./personnummer";
import { type LeftOutTarget, resolveTargets, type Target } from "./targets";
import type { PostUpdateInput, Update } from "./updates";

export type UpdateDraft = Pick<Update, "number" | "kind" | "body" | "variants" | "signature" | "image" | "revision">;

export interface PreparedUpdate {
  incident: Incident;
  targets: Target[];
  /** Targets left out, each with its reason (an exercise leaves out every real account). */
  leftOut: LeftOutTarget[];
  draft: UpdateDraft;
}

export async function prepareUpdate(
  db: DbOrTx,
  actor: Actor,
  input: z.output<typeof PostUpdateInput>,
  publicUrl: string,
): Promise<PreparedUpdate> {
  refusePersonalIdentityNumbers({
    body: input.body,
    signature: input.signature,
    ...Object.fromEntries(Object.entries(input.variants).map(([p, t]) => [`variants.${p}`, t])),
  });
  const incident = await requireIncident(db, input.incidentId);
  // Targets first: borrowing in a resolved incident is a 403 that names the borrowing.
  const { targets, leftOut } = await resolveTargets(db, actor, incident, input.targets, input.borrowingReason);
  if (incident.status !== "active")
    throw new ConflictError("incident_resolved", "The incident is resolved; reopen it to post updates.");
  // Numbers are per incident and gap-free; the unique index guards against a racing writer.
  const [{ next }] = await db
    .select({ next: sql<number>`coalesce(max(${updates.number}), 0) + 1` })
    .from(updates)
    .where(eq(updates.incidentId, incident.id));
  const draft: UpdateDraft = {
    number: Number(next),
    kind: input.kind,
    body: input.body,
    variants: input.variants as Record<string, string>,
    signature: input.signature ?? null,
    image: await resolveUpdateImage(db, publicUrl, input.image),
    revision: 1,
  };
  return { incident, targets, leftOut, draft };
}
