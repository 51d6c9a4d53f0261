// The shared inbox as staff read and sort it: every item with its account, the post and incident
// it answers, its deadline and its answers; filters; assigning it to a person and marking it as
// needing no answer (with the reason). Editors see the items of their departments' accounts only;
// communicators, admins and registrars see all (the same rule as acting on an account).
import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import {
  accounts,
  INBOX_STATES,
  type InboxState,
  inboxAnswers,
  inboxItems,
  incidents,
  people,
  updates,
} from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, InvalidInputError, NotFoundError } from "../../errors";
import { requireActOnAccount, requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { getOrganisation } from "../publishing/organisation";
import { recordAudit } from "../records/audit";
import { type DeadlineState, deadlineState, readInboxRule } from "./deadline";

export type InboxItem = typeof inboxItems.$inferSelect;
export type InboxAnswer = typeof inboxAnswers.$inferSelect;
const OPEN_STATES: readonly InboxState[] = ["new", "assigned"];

export const InboxQuery = z.object({
  incidentId: z.string().uuid().optional(),
  accountId: z.string().uuid().optional(),
  state: z.enum(INBOX_STATES).optional(),
  /** true: only items still waiting for an answer (new or assigned). */
  needsAnswer: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export interface InboxEntry extends InboxItem {
  accountHandle: string;
  incidentTitle: string | null;
  incidentSlug: string | null;
  updateNumber: number | null;
  assigneeName: string | null;
  deadline: DeadlineState;
  answers: Pick<
    InboxAnswer,
    "id" | "text" | "status" | "remoteUrl" | "failureClass" | "message" | "answeredByName" | "createdAt" | "publishedAt"
  >[];
}

/** Editors' filter: only their departments' accounts; null for everyone else. */
function ownAccountsOnly(actor: Actor): SQL | null {
  if (actor.role !== "editor") return null;
  if (!actor.departmentIds.length) return sql`false`;
  return inArray(accounts.departmentId, actor.departmentIds);
}

export async function listInbox(deps: Pick<Deps, "db" | "now">, actor: Actor, raw: unknown): Promise<InboxEntry[]> {
  requireCan(actor, "inbox.read");
  const q = InboxQuery.parse(raw);
  const where: SQL[] = [];
  const own = ownAccountsOnly(actor);
  if (own) where.push(own);
  if (q.incidentId) where.push(eq(inboxItems.incidentId, q.incidentId));
  if (q.accountId) where.push(eq(inboxItems.accountId, q.accountId));
  if (q.state) where.push(eq(inboxItems.state, q.state));
  if (q.needsAnswer === true) where.push(inArray(inboxItems.state, [...OPEN_STATES]));
  if (q.needsAnswer === false) where.push(sql`${inboxItems.state} not in ('new', 'assigned')`);
  const rows = await deps.db
    .select({
      item: inboxItems,
      accountHandle: accounts.handle,
      incidentTitle: incidents.title,
      incidentSlug: incidents.slug,
      updateNumber: updates.number,
      assigneeName: people.name,
    })
    .from(inboxItems)
    .innerJoin(accounts, eq(accounts.id, inboxItems.accountId))
    .leftJoin(incidents, eq(incidents.id, inboxItems.incidentId))
    .leftJoin(updates, eq(updates.id, inboxItems.updateId))
    .leftJoin(people, eq(people.id, inboxItems.assigneeId))
    .where(where.length ? and(...where) : undefined)
    // Open items by deadline first: what must be answered soonest is on top.
    .orderBy(sql`case when ${inboxItems.state} in ('new', 'assigned') then 0 else 1 end`, asc(inboxItems.deadlineAt))
    .limit(q.limit);
  const answers = rows.length
    ? await deps.db
        .select()
        .from(inboxAnswers)
        .where(
          inArray(
            inboxAnswers.itemId,
            rows.map((r) => r.item.id),
          ),
        )
        .orderBy(asc(inboxAnswers.createdAt))
    : [];
  const rule = readInboxRule((await getOrganisation(deps.db)).settings);
  const now = deps.now();
  return rows.map((r) => ({
    ...r.item,
    accountHandle: r.accountHandle,
    incidentTitle: r.incidentTitle,
    incidentSlug: r.incidentSlug,
    updateNumber: r.updateNumber,
    assigneeName: r.assigneeName,
    deadline: deadlineState(r.item.deadlineAt, OPEN_STATES.includes(r.item.state), now, rule),
    answers: answers
      .filter((a) => a.itemId === r.item.id)
      .map((a) => ({
        id: a.id,
        text: a.text,
        status: a.status,
        remoteUrl: a.remoteUrl,
        failureClass: a.failureClass,
        message: a.message,
        answeredByName: a.answeredByName,
        createdAt: a.createdAt,
        publishedAt: a.publishedAt,
      })),
  }));
}

/** One item, under its account's rule: an editor outside the account's department gets 403. */
export async function requireInboxItem(db: DbOrTx, actor: Actor, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("inbox item");
  const [row] = await db
    .select({ item: inboxItems, account: accounts })
    .from(inboxItems)
    .innerJoin(accounts, eq(accounts.id, inboxItems.accountId))
    .where(eq(inboxItems.id, id));
  if (!row) throw new NotFoundError("inbox item");
  requireActOnAccount(actor, row.account);
  return row;
}

export function refuseRemoved(item: InboxItem): void {
  if (item.state === "removed") throw new ConflictError("inbox_item_removed", "The item was removed.");
}

export const AssignInput = z.object({ assigneeId: z.string().uuid().nullable() });

export async function assignInboxItem(deps: Pick<Deps, "db" | "now">, actor: Actor, id: string, raw: unknown) {
  requireCan(actor, "inbox.answer");
  const input = AssignInput.parse(raw);
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const { item } = await requireInboxItem(tx, actor, id);
    refuseRemoved(item);
    if (input.assigneeId) {
      const [person] = await tx
        .select({ id: people.id })
        .from(people)
        .where(and(eq(people.id, input.assigneeId), isNull(people.disabledAt)));
      if (!person) {
        throw new InvalidInputError("assignee_unknown", "No such person.", {
          fields: [{ field: "assigneeId", code: "assignee_unknown", message: "No such active person." }],
        });
      }
    }
    const state: InboxState = OPEN_STATES.includes(item.state) ? (input.assigneeId ? "assigned" : "new") : item.state;
    const [after] = await tx
      .update(inboxItems)
      .set({ assigneeId: input.assigneeId, state, updatedAt: now })
      .where(eq(inboxItems.id, id))
      .returning();
    await audit(tx, actor, now, "inbox.assigned", item, after);
    return after;
  });
}

export const NoAnswerInput = z.object({ reason: z.string().trim().min(1).max(500) });

export async function markNoAnswerNeeded(deps: Pick<Deps, "db" | "now">, actor: Actor, id: string, raw: unknown) {
  requireCan(actor, "inbox.answer");
  const input = NoAnswerInput.parse(raw);
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const { item } = await requireInboxItem(tx, actor, id);
    refuseRemoved(item);
    const [after] = await tx
      .update(inboxItems)
      .set({ state: "no_answer_needed", reason: input.reason, updatedAt: now })
      .where(eq(inboxItems.id, id))
      .returning();
    await audit(tx, actor, now, "inbox.no_answer_needed", item, after);
    return after;
  });
}

export async function audit(tx: DbOrTx, actor: Actor, at: Date, action: string, before: InboxItem, after: unknown) {
  await recordAudit(tx, actor, at, {
    action,
    entityType: "inbox_item",
    entityId: before.id,
    incidentId: before.incidentId,
    accountId: before.accountId,
    before: { state: before.state, assigneeId: before.assigneeId, reason: before.reason },
    after,
  });
}

/** Items of an incident in the archive order (oldest first), with their answers. */
export async function inboxRecordOf(db: DbOrTx, incidentId: string) {
  const items = await db
    .select()
    .from(inboxItems)
    .where(eq(inboxItems.incidentId, incidentId))
    .orderBy(asc(inboxItems.postedAt), asc(inboxItems.id));
  const answers = items.length
    ? await db
        .select()
        .from(inboxAnswers)
        .where(
          inArray(
            inboxAnswers.itemId,
            items.map((i) => i.id),
          ),
        )
        .orderBy(asc(inboxAnswers.createdAt))
    : [];
  return { items, answers };
}
