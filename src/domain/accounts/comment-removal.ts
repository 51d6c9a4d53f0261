// Hiding or deleting a registered comment on the platform itself, where the adapter can. The
// removal is registered (and committed) first, so the copy is kept before anything is deleted;
// the platform's answer is recorded in the audit log either way.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { accounts } from "../../db/schema";
import type { Deps } from "../../deps";
import { InvalidInputError, UnprocessableError } from "../../errors";
import { isRemoteId, remoteIdShape } from "../../platforms/remote-ids";
import type { PublishResult } from "../../platforms/types";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { recordAudit } from "../records/audit";
import { CommentIdInput, requireActOnRemoval, requireRemoval } from "../records/removals";
import { callAdapter } from "./gateway";

export const RemoveCommentInput = z.object({ commentId: CommentIdInput });

export interface CommentRemovalResult {
  ok: boolean;
  commentId: string;
  remoteUrl?: string;
  failureClass?: string;
  message?: string;
}

export async function removeRemoteComment(
  deps: Pick<Deps, "db" | "now" | "fetch" | "platforms" | "secretKey">,
  actor: Actor,
  removalId: string,
  raw: unknown,
): Promise<CommentRemovalResult> {
  requireCan(actor, "removal.register");
  const { commentId } = RemoveCommentInput.parse(raw);
  const removal = await requireRemoval(deps.db, removalId);
  await requireActOnRemoval(deps.db, actor, removal);
  if (!removal.accountId) {
    throw new UnprocessableError("no_account", "The removal names no account, so there is no platform to ask.");
  }
  const [account] = await deps.db.select().from(accounts).where(eq(accounts.id, removal.accountId));
  const adapter = deps.platforms[account.platform];
  const removeComment = adapter?.removeComment?.bind(adapter);
  if (!removeComment) {
    throw new UnprocessableError(
      "not_supported",
      `${account.platform} offers no way to hide or delete comments through its API: remove it on the platform.`,
      { params: { platform: account.platform } },
    );
  }
  if (!account.credentialCiphertext) {
    throw new UnprocessableError("no_credential", "The account has no credential: connect it first.");
  }
  // The id goes into the request URL: a crafted one could make the call post instead of hide.
  if (!isRemoteId(account.platform, commentId)) {
    throw new InvalidInputError("remote_id_malformed", `Not a ${account.platform} comment id.`, {
      fields: [
        {
          field: "commentId",
          code: "remote_id_malformed",
          message: `Expected ${remoteIdShape(account.platform)}.`,
        },
      ],
    });
  }
  const called = await callAdapter(deps, account, (_platform, ctx) => removeComment(ctx, commentId));
  // A credential that cannot be opened is a failed attempt on record, like any other.
  const outcome: PublishResult = called.ok ? called.value : called;
  const result: CommentRemovalResult = outcome.ok
    ? { ok: true, commentId, remoteUrl: outcome.remoteUrl }
    : { ok: false, commentId, failureClass: outcome.class, message: outcome.message };
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    await recordAudit(tx, actor, now, {
      action: result.ok ? "removal.remote_removed" : "removal.remote_failed",
      entityType: "removal",
      entityId: removal.id,
      incidentId: removal.incidentId,
      accountId: removal.accountId,
      after: result,
    });
  });
  return result;
}
