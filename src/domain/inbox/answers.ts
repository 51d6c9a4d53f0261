// Answering an inbox item from the hub: the answer is a reply in the thread on the platform, sent
// through an outbox row like a delivery (lease, retries with the dispatcher's backoff, an
// idempotency key). An answer whose fate is unknown (the request may have landed) is never sent
// again by itself: it is shown as failed with what to check, so nothing is posted twice.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf } from "../../db/client";
import { accounts, inboxAnswers, inboxItems, standardAnswers } from "../../db/schema";
import type { Deps } from "../../deps";
import { MAX_ATTEMPTS, nextAttemptAt } from "../../dispatcher/backoff";
import { ConflictError, UnprocessableError } from "../../errors";
import type { PublishResult } from "../../platforms/types";
import { callAdapter } from "../accounts/gateway";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { SYSTEM_ACTOR } from "../people/actor";
import { requireIncident } from "../publishing/incidents";
import { refusePersonalIdentityNumbers } from "../publishing/personnummer";
import { recordAudit } from "../records/audit";
import { audit, refuseRemoved, requireInboxItem } from "./items";

export type AnswerDeps = Pick<Deps, "db" | "now" | "fetch" | "platforms" | "secretKey" | "log" | "defer">;

const ANSWER_LEASE_MS = 60_000;
const SEND_LIMIT = 25;
export const UNCONFIRMED_ANSWER_MESSAGE =
  "Svaret kan ha kommit fram. Titta i tråden på plattformen innan du svarar igen, så att svaret inte hamnar där två gånger.";

export const AnswerInput = z.object({
  text: z.string().trim().min(1).max(2000),
  /** Keep the text as a standard answer of the item's incident. */
  saveAsStandard: z.boolean().default(false),
});

export async function answerInboxItem(deps: AnswerDeps, actor: Actor, id: string, raw: unknown) {
  requireCan(actor, "inbox.answer");
  const input = AnswerInput.parse(raw);
  refusePersonalIdentityNumbers({ text: input.text });
  const now = deps.now();
  const answer = await deps.db.transaction(async (tx) => {
    const { item, account } = await requireInboxItem(tx, actor, id);
    refuseRemoved(item);
    if (!deps.platforms[account.platform]?.answerReply) {
      throw new UnprocessableError(
        "not_supported",
        `${account.platform} offers no way to answer through its API: answer on the platform.`,
        { params: { platform: account.platform } },
      );
    }
    const [waiting] = await tx
      .select({ id: inboxAnswers.id })
      .from(inboxAnswers)
      .where(and(eq(inboxAnswers.itemId, id), inArray(inboxAnswers.status, ["pending", "sending"])));
    if (waiting) throw new ConflictError("inbox_answer_pending", "An answer to this item is still being sent.");
    const [created] = await tx
      .insert(inboxAnswers)
      .values({
        itemId: id,
        accountId: account.id,
        text: input.text,
        nextAttemptAt: now,
        answeredBy: actor.id || null,
        answeredByName: actor.name,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(tx, actor, now, {
      action: "inbox.answer_queued",
      entityType: "inbox_answer",
      entityId: created.id,
      incidentId: item.incidentId,
      accountId: account.id,
      after: created,
    });
    if (input.saveAsStandard && item.incidentId) {
      await saveStandardAnswerIn(tx, actor, now, item.incidentId, input.text);
    }
    return created;
  });
  deps.defer(sendDueInboxAnswers(deps, `answer-${answer.id}`));
  return answer;
}

export const StandardAnswerInput = z.object({ text: z.string().trim().min(1).max(2000) });

export async function saveStandardAnswer(
  deps: Pick<Deps, "db" | "now">,
  actor: Actor,
  incidentId: string,
  raw: unknown,
) {
  requireCan(actor, "inbox.answer");
  const input = StandardAnswerInput.parse(raw);
  refusePersonalIdentityNumbers({ text: input.text });
  return deps.db.transaction(async (tx) => {
    const incident = await requireIncident(tx, incidentId);
    return saveStandardAnswerIn(tx, actor, deps.now(), incident.id, input.text);
  });
}

async function saveStandardAnswerIn(
  tx: Parameters<Parameters<Deps["db"]["transaction"]>[0]>[0],
  actor: Actor,
  now: Date,
  incidentId: string,
  text: string,
) {
  const [existing] = await tx
    .select()
    .from(standardAnswers)
    .where(
      and(
        eq(standardAnswers.incidentId, incidentId),
        eq(standardAnswers.text, text),
        isNull(standardAnswers.retiredAt),
      ),
    );
  if (existing) return existing;
  const [saved] = await tx
    .insert(standardAnswers)
    .values({ incidentId, text, createdBy: actor.id || null, createdAt: now })
    .returning();
  await recordAudit(tx, actor, now, {
    action: "inbox.standard_answer_saved",
    entityType: "standard_answer",
    entityId: saved.id,
    incidentId,
    after: saved,
  });
  return saved;
}

export async function listStandardAnswers(deps: Pick<Deps, "db">, actor: Actor, incidentId: string) {
  requireCan(actor, "inbox.read");
  return deps.db
    .select()
    .from(standardAnswers)
    .where(and(eq(standardAnswers.incidentId, incidentId), isNull(standardAnswers.retiredAt)))
    .orderBy(standardAnswers.createdAt);
}

interface ClaimedAnswer {
  id: string;
  attempts: number;
}

/** Sends answers that are due: new ones, retries whose time has come, rows whose lease ran out. */
export async function sendDueInboxAnswers(
  deps: Omit<AnswerDeps, "defer">,
  owner: string,
): Promise<{ sent: number; failed: number }> {
  const at = deps.now();
  const now = at.toISOString();
  const until = new Date(at.getTime() + ANSWER_LEASE_MS).toISOString();
  // A row whose lease ran out was being sent when its sender died: it may have landed, so it is
  // settled as unconfirmed rather than sent again.
  await deps.db.execute(sql`
    update inbox_answers set status = 'failed', failure_class = 'unconfirmed', lease_owner = null,
      lease_until = null, message = ${UNCONFIRMED_ANSWER_MESSAGE}, updated_at = ${now}::timestamptz
    where status = 'sending' and lease_until <= ${now}::timestamptz
  `);
  const claimed = rowsOf<ClaimedAnswer>(
    await deps.db.execute(sql`
      with due as (
        select id from inbox_answers
        where status = 'pending' and next_attempt_at <= ${now}::timestamptz
        order by next_attempt_at
        limit ${SEND_LIMIT}
        for update skip locked
      )
      update inbox_answers a
      set status = 'sending', lease_owner = ${owner}, lease_until = ${until}::timestamptz,
          attempts = a.attempts + 1, updated_at = ${now}::timestamptz
      from due where a.id = due.id
      returning a.id, a.attempts
    `),
  );
  let sent = 0;
  let failed = 0;
  for (const claim of claimed) {
    const outcome = await sendAnswer(deps, claim);
    if (outcome === "published") sent++;
    if (outcome === "failed") failed++;
  }
  return { sent, failed };
}

async function sendAnswer(deps: Omit<AnswerDeps, "defer">, claim: ClaimedAnswer) {
  const [row] = await deps.db
    .select({ answer: inboxAnswers, item: inboxItems, account: accounts })
    .from(inboxAnswers)
    .innerJoin(inboxItems, eq(inboxItems.id, inboxAnswers.itemId))
    .innerJoin(accounts, eq(accounts.id, inboxAnswers.accountId))
    .where(eq(inboxAnswers.id, claim.id));
  const { answer, item, account } = row;
  const called = await callAdapter(deps, account, (adapter, ctx): Promise<PublishResult> => {
    const answerReply = adapter.answerReply?.bind(adapter);
    if (!answerReply)
      return Promise.resolve({ ok: false, class: "invalid", message: "Plattformen tar inte emot svar." });
    return answerReply(ctx, {
      replyId: item.remoteId,
      postId: item.inReplyTo ?? undefined,
      authorHandle: item.authorHandle,
      text: answer.text,
      idempotencyKey: answer.idempotencyKey,
    });
  });
  const result: PublishResult = called.ok ? called.value : called;
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    if (result.ok) {
      const [after] = await tx
        .update(inboxAnswers)
        .set({
          status: "published",
          remoteId: result.remoteId,
          remoteUrl: result.remoteUrl,
          failureClass: null,
          message: null,
          leaseOwner: null,
          leaseUntil: null,
          publishedAt: now,
          updatedAt: now,
        })
        .where(eq(inboxAnswers.id, answer.id))
        .returning();
      const [itemAfter] = await tx
        .update(inboxItems)
        .set({ state: item.state === "removed" ? "removed" : "answered", updatedAt: now })
        .where(eq(inboxItems.id, item.id))
        .returning();
      await recordAudit(tx, SYSTEM_ACTOR, now, {
        action: "inbox.answer_published",
        entityType: "inbox_answer",
        entityId: answer.id,
        incidentId: item.incidentId,
        accountId: account.id,
        after,
      });
      await audit(tx, SYSTEM_ACTOR, now, "inbox.answered", item, { state: itemAfter.state });
      return "published" as const;
    }
    const again = result.class === "retry" && claim.attempts < MAX_ATTEMPTS;
    const message =
      result.class === "unconfirmed" ? `${result.message}. ${UNCONFIRMED_ANSWER_MESSAGE}` : result.message;
    const [after] = await tx
      .update(inboxAnswers)
      .set({
        status: again ? "pending" : "failed",
        failureClass: result.class,
        message,
        leaseOwner: null,
        leaseUntil: null,
        nextAttemptAt: again ? nextAttemptAt(now, claim.attempts, result.retryAfterSeconds) : answer.nextAttemptAt,
        updatedAt: now,
      })
      .where(eq(inboxAnswers.id, answer.id))
      .returning();
    await recordAudit(tx, SYSTEM_ACTOR, now, {
      action: again ? "inbox.answer_retry" : "inbox.answer_failed",
      entityType: "inbox_answer",
      entityId: answer.id,
      incidentId: item.incidentId,
      accountId: account.id,
      after,
    });
    return again ? ("retry" as const) : ("failed" as const);
  });
}
