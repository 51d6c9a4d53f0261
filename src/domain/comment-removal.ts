// Hiding or deleting a registered comment on the platform itself, where the adapter can. The
// removal is registered (and committed) first, so the copy is kept before anything is deleted;
// the platform's answer is recorded in the audit log either way.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { accounts } from "../db/schema";
import type { Deps } from "../deps";
import { UnprocessableError } from "../errors";
import { createSend } from "../platforms/http";
import type { Credential, PublishResult } from "../platforms/types";
import { requireCan } from "./access";
import { toAccountTarget } from "./accounts";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { requireRemoval } from "./removals";
import { hideCredentialIn, openJson } from "./secrets";

export const RemoveCommentInput = z.object({ commentId: z.string().trim().min(1).max(200) });

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
  if (!removal.accountId) {
    throw new UnprocessableError("no_account", "The removal names no account, so there is no platform to ask.");
  }
  const [account] = await deps.db.select().from(accounts).where(eq(accounts.id, removal.accountId));
  const adapter = deps.platforms[account.platform];
  if (!adapter?.removeComment) {
    throw new UnprocessableError(
      "not_supported",
      `${account.platform} offers no way to hide or delete comments through its API: remove it on the platform.`,
    );
  }
  if (!account.credentialCiphertext) {
    throw new UnprocessableError("no_credential", "The account has no credential: connect it first.");
  }
  const credential = await openJson<Credential>(deps.secretKey, account.credentialCiphertext);
  let outcome: PublishResult;
  try {
    outcome = await adapter.removeComment(
      {
        account: toAccountTarget(account),
        credential,
        send: createSend(deps.fetch),
        now: deps.now,
      },
      commentId,
    );
  } catch (error) {
    outcome = { ok: false, class: "retry", message: String((error as Error)?.message ?? error) };
  }
  const result: CommentRemovalResult = outcome.ok
    ? { ok: true, commentId, remoteUrl: outcome.remoteUrl }
    : { ok: false, commentId, failureClass: outcome.class, message: hideCredentialIn(outcome.message, credential) };
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
