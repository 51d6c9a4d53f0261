// Removing an inbox item goes through the removals log (MISSION R7): the content is kept in the
// removal record with the author and a reason from the fixed list, the author's notice is
// written, and the platform is asked to hide or delete the comment where its API allows.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { inboxItems, REMOVAL_REASONS } from "../../db/schema";
import type { Deps } from "../../deps";
import { isRemoteId } from "../../platforms/remote-ids";
import { type CommentRemovalResult, removeRemoteComment } from "../accounts/comment-removal";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { registerRemoval } from "../records/removals";
import { audit, refuseRemoved, requireInboxItem } from "./items";

export const RemoveItemInput = z.object({
  reason: z.enum(REMOVAL_REASONS),
  authorNotified: z.boolean().default(false),
  /** Also hide or delete it on the platform (where the adapter can). */
  removeRemote: z.boolean().default(true),
});

export async function removeInboxItem(
  deps: Pick<Deps, "db" | "now" | "config" | "fetch" | "platforms" | "secretKey">,
  actor: Actor,
  id: string,
  raw: unknown,
) {
  requireCan(actor, "removal.register");
  const input = RemoveItemInput.parse(raw);
  const { item, account } = await requireInboxItem(deps.db, actor, id);
  refuseRemoved(item);
  const remoteOk = input.removeRemote && Boolean(deps.platforms[account.platform]?.removeComment);
  const commentId = isRemoteId(account.platform, item.remoteId) ? item.remoteId : undefined;
  // Registered (and committed) first: the copy is kept before anything is deleted anywhere.
  const { removal } = await registerRemoval(deps, actor, {
    platform: account.platform,
    accountId: account.id,
    incidentId: item.incidentId ?? undefined,
    link: item.url?.startsWith("http") ? item.url : undefined,
    author: item.authorHandle,
    content: item.text,
    reason: input.reason,
    authorNotified: input.authorNotified,
    commentId,
  });
  const now = deps.now();
  const after = await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(inboxItems)
      .set({ state: "removed", removalId: removal.id, updatedAt: now })
      .where(eq(inboxItems.id, id))
      .returning();
    await audit(tx, actor, now, "inbox.removed", item, { state: "removed", removalId: removal.id });
    return updated;
  });
  let remote: CommentRemovalResult | null = null;
  if (remoteOk && commentId) remote = await removeRemoteComment(deps, actor, removal.id, { commentId });
  return { item: after, removal, remote };
}
