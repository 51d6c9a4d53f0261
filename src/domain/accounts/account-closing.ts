// Closing an account (Tyresö 000 §6, Motala 002 §9-10): archived first (a snapshot from the
// last week), then a farewell post that says why and where to find the municipality instead,
// then the account leaves the public list of channels. Its history stays.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { accounts, deliveries } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError } from "../../errors";
import { viewHelpers } from "../../render/view-helpers";
import { requireActOnAccount, requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { type CommitSignalDeps, signalCommittedChange } from "../publishing/after-commit";
import { bumpPublicRevision, getOrganisation } from "../publishing/organisation";
import { refusePersonalIdentityNumbers } from "../publishing/personnummer";
import { CHANNEL_PATHS } from "../publishing/public-paths";
import { ACCOUNT_RECORD_COLUMNS } from "../records/account-record";
import { recordAudit } from "../records/audit";
import { latestSnapshotOf, requireAccountRecord } from "../records/snapshots";

export const SNAPSHOT_MAX_AGE_DAYS = 7;

export const CloseAccountInput = z.object({
  reason: z.string().trim().min(3).max(500),
  /** Replaces the standard farewell; the links to the website are added when it lacks them. */
  farewell: z.string().trim().min(10).max(2000).optional(),
});

export async function closeAccount(
  deps: Pick<Deps, "db" | "now" | "config"> & CommitSignalDeps,
  actor: Actor,
  accountId: string,
  raw: unknown,
) {
  requireCan(actor, "account.manage");
  const input = CloseAccountInput.parse(raw);
  refusePersonalIdentityNumbers({ reason: input.reason, farewell: input.farewell });
  const now = deps.now();
  const closed = await deps.db.transaction(async (tx) => {
    const before = await requireAccountRecord(tx, accountId);
    requireActOnAccount(actor, before);
    if (before.status === "closed") {
      throw new ConflictError(
        "account_already_closed",
        `The account was already closed ${viewHelpers.when(before.closedAt)}.`,
        {
          params: before.closedAt ? { closedAt: before.closedAt.toISOString() } : {},
        },
      );
    }
    const latest = await latestSnapshotOf(tx, accountId);
    const oldest = now.getTime() - SNAPSHOT_MAX_AGE_DAYS * 86_400_000;
    if (!latest || latest.createdAt.getTime() < oldest) {
      throw new ConflictError(
        "snapshot_required",
        `An account is archived before it is closed: take a snapshot first (POST /api/v1/accounts/${accountId}/snapshots). ` +
          (latest
            ? `The latest snapshot is from ${latest.createdAt.toISOString()}, older than ${SNAPSHOT_MAX_AGE_DAYS} days.`
            : "The account has no snapshot."),
        {
          params: {
            accountId,
            maxAgeDays: SNAPSHOT_MAX_AGE_DAYS,
            ...(latest ? { latestSnapshotAt: latest.createdAt.toISOString() } : {}),
          },
        },
      );
    }
    const org = await getOrganisation(tx);
    const text = farewellText(input.farewell, input.reason, org.name, deps.config.publicUrl);
    const [farewell] = await tx
      .insert(deliveries)
      .values({
        updateId: null,
        accountId,
        kind: "farewell",
        sentText: text,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const [after] = await tx
      .update(accounts)
      .set({ status: "closed", closedAt: now, closedReason: input.reason, updatedAt: now })
      .where(eq(accounts.id, accountId))
      .returning(ACCOUNT_RECORD_COLUMNS);
    await recordAudit(tx, actor, now, {
      action: "account.closed",
      entityType: "account",
      entityId: accountId,
      accountId,
      before,
      after: { ...after, farewellDeliveryId: farewell.id, snapshotId: latest.id },
    });
    await bumpPublicRevision(tx);
    return { account: after, farewell };
  });
  signalCommittedChange(deps, { deliveries: [closed.farewell], publicPaths: CHANNEL_PATHS });
  return closed;
}

/** Says why, thanks the followers (000 §6), and points to the website and the list of channels. */
export function farewellText(custom: string | undefined, reason: string, orgName: string, publicUrl: string): string {
  const channels = `${publicUrl}/channels`;
  const pointer = `Aktuell information från ${orgName} finns på ${publicUrl} och alla våra officiella kanaler på ${channels}`;
  if (custom) return custom.includes(publicUrl) ? custom : `${custom}\n\n${pointer}`;
  const why = reason.replace(/[.!\s]+$/, "");
  return `Det här kontot stängs och uppdateras inte längre. Skäl: ${why}. Tack för att du har följt oss och för ditt engagemang! ${pointer}`;
}
