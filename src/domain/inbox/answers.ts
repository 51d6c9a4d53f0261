// Answering an inbox item from the hub: the answer is a reply in the thread on the platform, sent
// through an outbox row like a delivery (lease, retries with the dispatcher's backoff, an
// idempotency key). An answer whose fate is unknown (the request may have landed) is never sent
// again by itself: it is shown as failed with what to check, so nothing is posted twice.
import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { claimDue, type HeldLease, release, retryLater, settleExpiredLeases } from "../../db/outbox";
import { accounts, inboxAnswers, inboxItems, standardAnswers } from "../../db/schema";
import type { Deps } from "../../deps";
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

/** An answer is two to four requests of at most 10 s each (Bluesky: session, thread, post, a renewed session). */
const ANSWER_LEASE_MS = 60_000;
/** Answers one pass sends at most; the rest waits for the next pass. */
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

/** Sends answers that are due: new ones, and retries whose time has come. */
export async function sendDueInboxAnswers(
  deps: Omit<AnswerDeps, "defer">,
  owner: string,
): Promise<{ sent: number; failed: number }> {
  const now = deps.now();
  // A row whose lease ran out was being sent when its sender died or stalled: it may have landed,
  // so it is settled as unconfirmed rather than sent again.
  await settleExpiredLeases(deps.db, inboxAnswers, now, "failed", {
    failureClass: "unconfirmed",
    message: UNCONFIRMED_ANSWER_MESSAGE,
  });
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < SEND_LIMIT; i++) {
    // One answer at a time, claimed just before it is sent, so that its lease is all its own. In a
    // batch claimed at once, answers waiting behind a slow platform would see their leases run out,
    // be settled as unconfirmed by another pass (above), and then be posted by this one all the same.
    const [claim] = await claimDue(deps.db, inboxAnswers, {
      owner,
      now: deps.now(),
      leaseMs: ANSWER_LEASE_MS,
      limit: 1,
      // A reply in a public thread posted twice cannot be taken back quietly: a person looks first.
      expiredLeases: "leave",
    });
    if (!claim) break;
    const outcome = await sendAnswer(deps, { id: claim.id, owner, attempts: claim.attempts });
    if (outcome === "published") sent++;
    if (outcome === "failed") failed++;
  }
  return { sent, failed };
}

async function sendAnswer(deps: Omit<AnswerDeps, "defer">, claim: HeldLease & { attempts: number }) {
  const [row] = await deps.db
    .select({ answer: inboxAnswers, item: inboxItems, account: accounts })
    .from(inboxAnswers)
    .innerJoin(inboxItems, eq(inboxItems.id, inboxAnswers.itemId))
    .innerJoin(accounts, eq(accounts.id, inboxAnswers.accountId))
    // Read under the lease it was claimed with, still running: never sent once another pass settled it.
    .where(
      and(
        eq(inboxAnswers.id, claim.id),
        eq(inboxAnswers.leaseOwner, claim.owner),
        eq(inboxAnswers.status, "sending"),
        gt(inboxAnswers.leaseUntil, deps.now()),
      ),
    );
  if (!row) return lostLease(deps, claim.id);
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
      const after = await release(tx, inboxAnswers, claim, now, "published", {
        remoteId: result.remoteId,
        remoteUrl: result.remoteUrl,
        failureClass: null,
        message: null,
        publishedAt: now,
      });
      if (!after) return lostLease(deps, answer.id);
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
    const message =
      result.class === "unconfirmed" ? `${result.message}. ${UNCONFIRMED_ANSWER_MESSAGE}` : result.message;
    const values = { failureClass: result.class, message };
    // Only a failure that says so is tried again; an unconfirmed one may have landed.
    const after =
      result.class === "retry"
        ? await retryLater(tx, inboxAnswers, claim, now, values, result.retryAfterSeconds)
        : await release(tx, inboxAnswers, claim, now, "failed", values);
    if (!after) return lostLease(deps, answer.id);
    const again = after?.status === "pending";
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

/**
 * The lease ran out during the call and another pass settled the answer as unconfirmed: that is
 * what the row says (a person checks the thread), and this sender adds nothing to it.
 */
function lostLease(deps: Pick<AnswerDeps, "log">, id: string) {
  deps.log.warn("an inbox answer outlived its lease; its outcome is not recorded", { inboxAnswer: id });
  return "lost" as const;
}
