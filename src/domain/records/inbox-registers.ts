// The shared inbox in the archive export: every collected item with its author's handle (the
// public records law keeps what the public wrote to us), and every answer we sent, with who
// answered and where it landed. Scoped like removals: an incident's items, or a period's.
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { CsvColumn, CsvValue } from "../../archive/csv";
import type { DbOrTx } from "../../db/client";
import { accounts, inboxAnswers, inboxItems } from "../../db/schema";
// Only used when rows are read, after archive-registers.ts (which lists these registers) has loaded.
import { after, type ExportScope, keysetPages, PAGE_SIZE, type Register, within } from "./archive-registers";

const col = <T>(header: string, value: (row: T) => CsvValue): CsvColumn<T> => ({ header, value });

function inScope(scope: ExportScope, at: Parameters<typeof within>[0], incident: typeof inboxItems.incidentId): SQL {
  if (scope.period) return within(at, scope.period) ?? sql`true`;
  const ids = scope.incidents.map((i) => i.id);
  if (!ids.length) return sql`false`;
  return sql`${incident} in (${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

type ItemRow = { item: typeof inboxItems.$inferSelect; handle: string };
export const inboxItemsRegister: Register<ItemRow> = {
  name: "inbox_items",
  columns: [
    col("item_id", (r) => r.item.id),
    col("posted_at", (r) => r.item.postedAt),
    col("platform", (r) => r.item.platform),
    col("account_id", (r) => r.item.accountId),
    col("account_handle", (r) => r.handle),
    col("remote_id", (r) => r.item.remoteId),
    col("kind", (r) => r.item.kind),
    col("in_reply_to", (r) => r.item.inReplyTo),
    col("incident_id", (r) => r.item.incidentId),
    col("update_id", (r) => r.item.updateId),
    col("delivery_id", (r) => r.item.deliveryId),
    col("author_handle", (r) => r.item.authorHandle),
    col("text", (r) => r.item.text),
    col("url", (r) => r.item.url),
    col("state", (r) => r.item.state),
    col("reason", (r) => r.item.reason),
    col("removal_id", (r) => r.item.removalId),
    col("deadline_at", (r) => r.item.deadlineAt),
    col("collected_at", (r) => r.item.createdAt),
  ],
  rows(db: DbOrTx, scope) {
    const where = inScope(scope, inboxItems.postedAt, inboxItems.incidentId);
    return keysetPages<ItemRow>(PAGE_SIZE, (last) =>
      db
        .select({ item: inboxItems, handle: accounts.handle })
        .from(inboxItems)
        .innerJoin(accounts, eq(accounts.id, inboxItems.accountId))
        .where(
          and(where, last ? after(last.item.postedAt, last.item.id, inboxItems.postedAt, inboxItems.id) : undefined),
        )
        .orderBy(asc(inboxItems.postedAt), asc(inboxItems.id))
        .limit(PAGE_SIZE),
    );
  },
};

type AnswerRow = { answer: typeof inboxAnswers.$inferSelect; incidentId: string | null };
export const inboxAnswersRegister: Register<AnswerRow> = {
  name: "inbox_answers",
  columns: [
    col("answer_id", (r) => r.answer.id),
    col("created_at", (r) => r.answer.createdAt),
    col("item_id", (r) => r.answer.itemId),
    col("incident_id", (r) => r.incidentId),
    col("account_id", (r) => r.answer.accountId),
    col("text", (r) => r.answer.text),
    col("answered_by", (r) => r.answer.answeredBy),
    col("answered_by_name", (r) => r.answer.answeredByName),
    col("status", (r) => r.answer.status),
    col("attempts", (r) => r.answer.attempts),
    col("remote_id", (r) => r.answer.remoteId),
    col("remote_url", (r) => r.answer.remoteUrl),
    col("failure_class", (r) => r.answer.failureClass),
    col("message", (r) => r.answer.message),
    col("published_at", (r) => r.answer.publishedAt),
  ],
  rows(db: DbOrTx, scope) {
    const where = inScope(scope, inboxAnswers.createdAt, inboxItems.incidentId);
    return keysetPages<AnswerRow>(PAGE_SIZE, (last) =>
      db
        .select({ answer: inboxAnswers, incidentId: inboxItems.incidentId })
        .from(inboxAnswers)
        .innerJoin(inboxItems, eq(inboxItems.id, inboxAnswers.itemId))
        .where(
          and(
            where,
            last ? after(last.answer.createdAt, last.answer.id, inboxAnswers.createdAt, inboxAnswers.id) : undefined,
          ),
        )
        .orderBy(asc(inboxAnswers.createdAt), asc(inboxAnswers.id))
        .limit(PAGE_SIZE),
    );
  },
};
