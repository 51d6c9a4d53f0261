// A person asks for another try at a failed delivery. A failure the hub could not settle on its
// own ("unconfirmed": it may be on the platform) told them to look at the channel first, so their
// request is their word that the post is not there. It is written down with the other checks,
// and the next attempt still runs the lookup first: a person can miss a post, and one that is
// found is not sent again.
import { eq } from "drizzle-orm";
import { accounts, deliveries } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, ForbiddenError, NotFoundError } from "../../errors";
import { publishRight, requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { type CommitSignalDeps, signalCommittedChange } from "./after-commit";
import type { Delivery } from "./deliveries";
import { withCheck } from "./settlement";
import { requireUpdate } from "./updates";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function retryDelivery(
  deps: Pick<Deps, "db" | "now"> & CommitSignalDeps,
  actor: Actor,
  id: string,
): Promise<Delivery> {
  requireCan(actor, "delivery.retry");
  const now = deps.now();
  const retried = await deps.db.transaction(async (tx) => {
    const [row] = UUID.test(id)
      ? await tx
          .select({ delivery: deliveries, account: accounts })
          .from(deliveries)
          .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
          .where(eq(deliveries.id, id))
          .for("update", { of: deliveries })
      : [];
    if (!row) throw new NotFoundError("delivery");
    const { delivery: before, account } = row;
    if (publishRight(actor, account) === "none") {
      throw new ForbiddenError(
        "account_not_permitted",
        `You may not publish through ${account.platform} ${account.handle}.`,
        {
          params: { platform: account.platform, handle: account.handle },
        },
      );
    }
    if (before.status !== "failed") {
      throw new ConflictError(
        "delivery_not_failed",
        `Only a failed delivery can be retried; this one is ${before.status}.`,
        {
          params: { status: before.status },
        },
      );
    }
    // A farewell has no update; it belongs to the closing account.
    const update = before.updateId ? await requireUpdate(tx, before.updateId) : null;
    if (update?.withdrawnAt && before.kind !== "retract")
      throw new ConflictError("update_withdrawn", "The update has been withdrawn.");
    const inDoubt = before.failureClass === "unconfirmed";
    const checked = inDoubt ? ", som har kontrollerat att inlägget saknas; Kriskanal söker ändå efter det först" : "";
    const confirmedAbsent = { by: actor.name, at: now.toISOString() };
    const settlement = inDoubt
      ? {
          ...withCheck(before.settlement, { ...confirmedAbsent, answer: "confirmed_absent" }),
          confirmedAbsent,
        }
      : before.settlement;
    const [after] = await tx
      .update(deliveries)
      .set({
        status: "pending",
        attempts: 0,
        // A fresh start: the first failure of the new try waits a second again, and it gets all
        // its failures before it gives up.
        backoffFailures: 0,
        nextAttemptAt: now,
        failureClass: null,
        message: `Nytt försök begärt av ${actor.name}${checked}.`,
        settlement,
        leaseOwner: null,
        leaseUntil: null,
        updatedAt: now,
      })
      .where(eq(deliveries.id, before.id))
      .returning();
    await recordAudit(tx, actor, now, {
      action: "delivery.retried",
      entityType: "delivery",
      entityId: after.id,
      incidentId: update?.incidentId ?? null,
      accountId: after.accountId,
      before,
      after,
    });
    return after;
  });
  signalCommittedChange(deps, { deliveries: [retried] });
  return retried;
}
