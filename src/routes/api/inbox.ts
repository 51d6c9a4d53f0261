// The shared inbox over the API: list with filters, assign, no answer needed, answer (queued
// and sent as a thread reply), remove through the removals log, standard answers, and the draft
// of an update that answers everyone.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { answerInboxItem, listStandardAnswers, saveStandardAnswer } from "../../domain/inbox/answers";
import { assignInboxItem, type InboxEntry, listInbox, markNoAnswerNeeded } from "../../domain/inbox/items";
import { removeInboxItem } from "../../domain/inbox/removal";
import { draftUpdateFromItem } from "../../domain/inbox/update-draft";
import { readJson } from "./auth";

export function toInboxView(e: InboxEntry) {
  return {
    id: e.id,
    platform: e.platform,
    accountId: e.accountId,
    account: e.accountHandle,
    kind: e.kind,
    remoteId: e.remoteId,
    inReplyTo: e.inReplyTo,
    post: e.deliveryId ? { deliveryId: e.deliveryId, updateId: e.updateId, updateNumber: e.updateNumber } : null,
    incident: e.incidentId ? { id: e.incidentId, title: e.incidentTitle, slug: e.incidentSlug } : null,
    author: e.authorHandle,
    text: e.text,
    url: e.url,
    postedAt: e.postedAt,
    state: e.state,
    assignee: e.assigneeId ? { id: e.assigneeId, name: e.assigneeName } : null,
    reason: e.reason,
    removalId: e.removalId,
    deadlineAt: e.deadlineAt,
    deadline: e.deadline,
    answers: e.answers,
  };
}

export const inboxRoutes = new Hono<AppEnv>()
  .get("/inbox", async (c) => {
    const entries = await listInbox(c.env.deps, c.get("actor"), c.req.query());
    return c.json({ items: entries.map(toInboxView) });
  })
  .post("/inbox/:id/assign", async (c) => {
    const item = await assignInboxItem(c.env.deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json({ id: item.id, state: item.state, assigneeId: item.assigneeId });
  })
  .post("/inbox/:id/no-answer-needed", async (c) => {
    const item = await markNoAnswerNeeded(c.env.deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json({ id: item.id, state: item.state, reason: item.reason });
  })
  .post("/inbox/:id/answers", async (c) => {
    const answer = await answerInboxItem(c.env.deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json({ id: answer.id, itemId: answer.itemId, status: answer.status, text: answer.text }, 202);
  })
  .post("/inbox/:id/remove", async (c) => {
    const { item, removal, remote } = await removeInboxItem(
      c.env.deps,
      c.get("actor"),
      c.req.param("id"),
      await readJson(c),
    );
    return c.json({ id: item.id, state: item.state, removalId: removal.id, notice: removal.notice, remote }, 201);
  })
  .get("/inbox/:id/update-draft", async (c) => {
    return c.json(await draftUpdateFromItem(c.env.deps, c.get("actor"), c.req.param("id")));
  })
  .get("/incidents/:id/standard-answers", async (c) => {
    const rows = await listStandardAnswers(c.env.deps, c.get("actor"), c.req.param("id"));
    return c.json({ standardAnswers: rows.map((r) => ({ id: r.id, text: r.text, createdAt: r.createdAt })) });
  })
  .post("/incidents/:id/standard-answers", async (c) => {
    const saved = await saveStandardAnswer(c.env.deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json({ id: saved.id, text: saved.text, createdAt: saved.createdAt }, 201);
  });
