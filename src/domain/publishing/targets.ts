// Which accounts an update goes to, and which of them the actor borrows (requirement 2).
import { eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts } from "../../db/schema";
import { ForbiddenError, InvalidInputError } from "../../errors";
import { publishRight } from "../people/access";
import type { Actor } from "../people/actor";
import type { Incident } from "./incidents";

export type Account = typeof accounts.$inferSelect;
export interface Target {
  account: Account;
  borrowed: boolean;
}

/** A target an update does not go to, and why (a code the staff pages word in Swedish). */
export interface LeftOutTarget {
  accountId: string;
  platform: string;
  handle: string;
  code: "exercise_account_required";
}

export interface ResolvedTargets {
  targets: Target[];
  /** Accounts asked for (or part of "all") that the update leaves out, each with its reason. */
  leftOut: LeftOutTarget[];
}

/**
 * An exercise publishes only to exercise accounts, whatever the targets say: the others are left
 * out (not refused), so an exercise aimed at "all" or at a real account still runs, and says why.
 */
export function splitExerciseTargets<T extends Pick<Account, "id" | "platform" | "handle" | "exercise">>(
  incident: Pick<Incident, "exercise">,
  rows: T[],
): { kept: T[]; leftOut: LeftOutTarget[] } {
  if (!incident.exercise) return { kept: rows, leftOut: [] };
  return {
    kept: rows.filter((r) => r.exercise),
    leftOut: rows
      .filter((r) => !r.exercise)
      .map((r) => ({ accountId: r.id, platform: r.platform, handle: r.handle, code: "exercise_account_required" })),
  };
}

/**
 * "all" means every active account the actor may publish through; a list must name only such
 * accounts. Borrowing a department's account needs an active incident and a reason.
 */
export async function resolveTargets(
  tx: DbOrTx,
  actor: Actor,
  incident: Incident,
  targets: "all" | string[],
  borrowingReason: string | undefined,
): Promise<ResolvedTargets> {
  const found =
    targets === "all"
      ? await tx.select().from(accounts).where(eq(accounts.status, "active"))
      : targets.length === 0
        ? []
        : await tx.select().from(accounts).where(inArray(accounts.id, targets));
  if (targets !== "all") {
    const known = new Set(found.map((r) => r.id));
    const missing = targets.filter((t) => !known.has(t));
    const closed = found.filter((r) => r.status !== "active").map((r) => r.id);
    if (missing.length || closed.length) {
      throw new InvalidInputError("invalid_input", "Some targets are not active accounts.", {
        fields: [
          ...missing.map((id) => ({
            field: "targets",
            code: "target_unknown",
            message: `Unknown account ${id}.`,
            params: { accountId: id },
          })),
          ...closed.map((id) => ({
            field: "targets",
            code: "target_closed",
            message: `Account ${id} is closed.`,
            params: { accountId: id },
          })),
        ],
      });
    }
  }
  // Before the publishing rights: a real account an exercise leaves out is no reason to refuse it.
  const { kept: rows, leftOut } = splitExerciseTargets(incident, found);
  const result: Target[] = [];
  for (const account of rows.sort((a, b) => a.platform.localeCompare(b.platform) || a.handle.localeCompare(b.handle))) {
    const right = publishRight(actor, account);
    if (right === "none") {
      if (targets === "all") continue;
      throw new ForbiddenError(
        "account_not_permitted",
        `You may not publish through ${account.platform} ${account.handle}.`,
        {
          params: { platform: account.platform, handle: account.handle },
        },
      );
    }
    result.push({ account, borrowed: right === "borrow" });
  }
  if (result.some((t) => t.borrowed)) {
    if (incident.status !== "active") {
      throw new ForbiddenError(
        "borrowing_incident_not_active",
        "Department accounts can be borrowed only while the incident is active.",
      );
    }
    if (!(borrowingReason ?? incident.borrowingReason)) {
      const names = result.filter((t) => t.borrowed).map((t) => `${t.account.platform} ${t.account.handle}`);
      throw new ForbiddenError(
        "borrowing_reason_required",
        `Publishing through ${names.join(", ")} borrows another department's account: give borrowingReason, or set the incident's standing reason.`,
        { params: { accounts: names.join(", ") } },
      );
    }
  }
  return { targets: result, leftOut };
}
