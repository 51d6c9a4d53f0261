import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { removeRemoteComment } from "../../domain/accounts/comment-removal";
import {
  getRemoval,
  listRemovals,
  markAuthorNotified,
  REMOVAL_REASON_TEXT,
  type Removal,
  registerRemoval,
} from "../../domain/records/removals";
import { toHttpError } from "../../errors";
import { readJson } from "./auth";

function toRemovalView(r: Removal) {
  return {
    id: r.id,
    platform: r.platform,
    accountId: r.accountId,
    incidentId: r.incidentId,
    link: r.link,
    author: r.author,
    content: r.content,
    reason: r.reason,
    reasonText: REMOVAL_REASON_TEXT[r.reason as keyof typeof REMOVAL_REASON_TEXT] ?? r.reason,
    removedBy: r.removedBy,
    authorNotified: r.authorNotified,
    notice: r.notice,
    removedAt: r.removedAt,
    createdAt: r.createdAt,
  };
}

export const removalRoutes = new Hono<AppEnv>()
  .post("/removals", async (c) => {
    const { deps } = c.env;
    const actor = c.get("actor");
    const { removal, removeRemote } = await registerRemoval(deps, actor, await readJson(c));
    // Registered and committed first: the copy exists before the platform is asked to delete.
    // The removal is on record whatever the platform says, so a refusal is reported, not raised.
    const remote = removeRemote
      ? await removeRemoteComment(deps, actor, removal.id, removeRemote).catch((error: unknown) => {
          const mapped = toHttpError(error);
          if (!mapped) throw error;
          return { ok: false, commentId: removeRemote.commentId, ...mapped.body.error };
        })
      : undefined;
    return c.json({ ...toRemovalView(removal), ...(remote ? { remote } : {}) }, 201);
  })
  .get("/removals", async (c) => {
    const rows = await listRemovals(c.env.deps.db, c.get("actor"), c.req.query());
    return c.json({ removals: rows.map(toRemovalView) });
  })
  .get("/removals/:id", async (c) => {
    const { removal, remoteAttempts } = await getRemoval(c.env.deps.db, c.get("actor"), c.req.param("id"));
    return c.json({ ...toRemovalView(removal), remoteAttempts });
  })
  .post("/removals/:id/remove-remote", async (c) => {
    const { deps } = c.env;
    const result = await removeRemoteComment(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(result, result.ok ? 200 : 502);
  })
  .post("/removals/:id/author-notified", async (c) => {
    const removal = await markAuthorNotified(c.env.deps, c.get("actor"), c.req.param("id"));
    return c.json(toRemovalView(removal));
  });
