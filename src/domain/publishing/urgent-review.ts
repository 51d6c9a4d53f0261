// Urgent posts skip the four-eyes wait, so they are reviewed after the fact: only people who
// may approve may post urgently, and every other approver is told at once.
import { and, inArray, isNull, ne } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { notifications, people } from "../../db/schema";
import { ForbiddenError } from "../../errors";
import { can } from "../people/access";
import type { Actor } from "../people/actor";

/** Those who may approve may skip the wait; a "publish" token may not, as it may not approve. */
export function mayPostUrgent(actor: Actor): boolean {
  return can(actor, "update.approve");
}

export function requirePostUrgent(actor: Actor): void {
  if (mayPostUrgent(actor)) return;
  throw new ForbiddenError(
    "urgent_not_allowed",
    "Only a communicator or an admin, signed in or with an all-scoped token, may publish urgently without approval; post without urgent and a colleague approves it.",
  );
}

/** One notification per other approver, naming the update to review after the fact. */
export async function notifyUrgentPublished(
  tx: DbOrTx,
  actor: Actor,
  update: { id: string; number: number; incidentId: string },
  incidentTitle: string,
  now: Date,
): Promise<void> {
  const approvers = await tx
    .select({ id: people.id, email: people.email })
    .from(people)
    .where(
      and(
        inArray(people.role, ["admin", "communicator"]),
        isNull(people.disabledAt),
        actor.id ? ne(people.id, actor.id) : undefined,
      ),
    );
  if (!approvers.length) return;
  const message =
    `${actor.name} publicerade uppdatering ${update.number} om ”${incidentTitle}” som brådskande, ` +
    "utan att vänta på godkännande. Granska den i efterhand.";
  await tx.insert(notifications).values(
    approvers.map((p) => ({
      personId: p.id,
      email: p.email,
      kind: "update.urgent_published",
      message,
      data: { updateId: update.id, incidentId: update.incidentId, postedBy: actor.name, postedById: actor.id },
      createdAt: now,
    })),
  );
}
