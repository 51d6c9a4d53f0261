// Collecting the public's replies into the shared inbox, as scheduled work (the Node process's
// interval, the Workers cron). Per account: where the last look stopped (a cursor), when to look
// again, and a 429's wait honoured. Items are keyed by (account, remote id), so a page read twice,
// a restart or two processes at once never store a reply twice.
import { and, asc, desc, eq, inArray, isNotNull, lte, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, deliveries, inboxAnswers, inboxCursors, inboxItems, incidents, updates } from "../../db/schema";
import type { Deps } from "../../deps";
import type { CollectedReply, CollectResult, FailureResult } from "../../platforms/types";
import type { Account } from "../accounts/accounts";
import { callAdapter } from "../accounts/gateway";
import { SYSTEM_ACTOR } from "../people/actor";
import { getOrganisation } from "../publishing/organisation";
import { recordAudit } from "../records/audit";
import { answerDeadline, readInboxRule } from "./deadline";

export type CollectDeps = Pick<Deps, "db" | "now" | "fetch" | "platforms" | "secretKey" | "log">;

/** How often an account is asked for new replies (longer where the adapter says so: X). */
export const INBOX_POLL_MS = 60_000;
/** A platform that refused (token, rights) is asked again after this long, not every minute. */
const REFUSED_WAIT_MS = 60 * 60_000;
const RETRY_WAIT_MS = 5 * 60_000;
/** Our posts whose replies are looked for (platforms that list replies per post). */
const OWN_POSTS = 20;
const ACCOUNTS_PER_SWEEP = 25;

export interface CollectReport {
  accounts: number;
  collected: number;
  failed: number;
}

export async function collectDueInboxes(deps: CollectDeps): Promise<CollectReport> {
  const now = deps.now();
  const candidates = await deps.db
    .select({ account: accounts, nextPollAt: inboxCursors.nextPollAt })
    .from(accounts)
    .leftJoin(inboxCursors, eq(inboxCursors.accountId, accounts.id))
    .where(
      and(
        eq(accounts.status, "active"),
        isNotNull(accounts.credentialCiphertext),
        or(sql`${inboxCursors.nextPollAt} is null`, lte(inboxCursors.nextPollAt, now)),
      ),
    )
    // The longest-waiting first (never asked, then most overdue), so a sweep cut off by the limit
    // leaves the ones it reaches first next time.
    .orderBy(sql`${inboxCursors.nextPollAt} asc nulls first`, asc(accounts.createdAt))
    .limit(ACCOUNTS_PER_SWEEP);
  const report: CollectReport = { accounts: 0, collected: 0, failed: 0 };
  for (const { account } of candidates) {
    if (!deps.platforms[account.platform]?.collectReplies) continue;
    report.accounts++;
    const outcome = await collectAccountInbox(deps, account);
    if (outcome.ok) report.collected += outcome.stored;
    else report.failed++;
  }
  if (report.collected) deps.log.info("inbox: collected replies", { ...report });
  return report;
}

/** One account's new replies, stored; the cursor moves only with a successful read. */
export async function collectAccountInbox(
  deps: CollectDeps,
  account: Account,
): Promise<{ ok: true; stored: number } | FailureResult> {
  const [cursorRow] = await deps.db.select().from(inboxCursors).where(eq(inboxCursors.accountId, account.id));
  const ownPosts = await deps.db
    .select({ remoteId: deliveries.remoteId, remoteUrl: deliveries.remoteUrl })
    .from(deliveries)
    .where(
      and(eq(deliveries.accountId, account.id), eq(deliveries.status, "published"), isNotNull(deliveries.remoteId)),
    )
    .orderBy(desc(deliveries.publishedAt))
    .limit(OWN_POSTS);
  const called = await callAdapter(deps, account, (adapter, ctx): Promise<CollectResult> => {
    const collect = adapter.collectReplies?.bind(adapter);
    if (!collect) return Promise.resolve({ ok: true, items: [] });
    return collect(ctx, {
      cursor: cursorRow?.cursor ?? undefined,
      ownPosts: ownPosts.map((p) => ({ remoteId: p.remoteId as string, remoteUrl: p.remoteUrl })),
    });
  });
  const result = called.ok ? called.value : called;
  const now = deps.now();
  if (!result.ok) {
    const wait =
      result.class === "retry" ? Math.max((result.retryAfterSeconds ?? 0) * 1000, RETRY_WAIT_MS) : REFUSED_WAIT_MS;
    await saveCursor(deps.db, account.id, {
      cursor: cursorRow?.cursor ?? null,
      nextPollAt: new Date(now.getTime() + wait),
      lastPolledAt: now,
      failureClass: result.class,
      message: result.message,
      updatedAt: now,
    });
    deps.log.warn("inbox: collection failed", { accountId: account.id, class: result.class, message: result.message });
    return result;
  }
  const stored = await deps.db.transaction(async (tx) => {
    const rows = await storeItems(tx, account, result.items, now);
    await saveCursor(tx, account.id, {
      cursor: result.cursor ?? cursorRow?.cursor ?? null,
      nextPollAt: new Date(now.getTime() + pollIntervalMs(deps, account)),
      lastPolledAt: now,
      failureClass: null,
      message: null,
      updatedAt: now,
    });
    if (rows.length) {
      await recordAudit(tx, SYSTEM_ACTOR, now, {
        action: "inbox.collected",
        entityType: "account",
        entityId: account.id,
        accountId: account.id,
        after: { items: rows.map((r) => ({ id: r.id, remoteId: r.remoteId })) },
      });
    }
    return rows.length;
  });
  return { ok: true, stored };
}

function pollIntervalMs(deps: CollectDeps, account: Account): number {
  const seconds = deps.platforms[account.platform]?.inboxPollSeconds;
  return seconds ? Math.max(seconds * 1000, INBOX_POLL_MS) : INBOX_POLL_MS;
}

async function saveCursor(db: DbOrTx, accountId: string, values: Omit<typeof inboxCursors.$inferInsert, "accountId">) {
  await db
    .insert(inboxCursors)
    .values({ accountId, ...values })
    .onConflictDoUpdate({ target: inboxCursors.accountId, set: values });
}

interface Thread {
  deliveryId: string | null;
  updateId: string | null;
  incidentId: string | null;
  incidentActive: boolean;
}

async function storeItems(tx: DbOrTx, account: Account, items: CollectedReply[], now: Date) {
  if (!items.length) return [];
  const org = await getOrganisation(tx);
  const rule = readInboxRule(org.settings);
  const [{ active }] = await tx
    .select({ active: sql<number>`count(*)::int` })
    .from(incidents)
    .where(eq(incidents.status, "active"));
  const threads = await resolveThreads(
    tx,
    account.id,
    items.map((i) => i.inReplyTo).filter((x): x is string => Boolean(x)),
  );
  const values = items.map((item) => {
    const thread = item.inReplyTo ? threads.get(item.inReplyTo) : undefined;
    const postedAt = validDate(item.postedAt) ?? now;
    // A mention outside our threads is urgent while any incident is active.
    const urgent = thread?.incidentId ? thread.incidentActive : active > 0;
    return {
      accountId: account.id,
      platform: account.platform,
      remoteId: item.remoteId,
      kind: item.kind,
      inReplyTo: item.inReplyTo ?? null,
      deliveryId: thread?.deliveryId ?? null,
      updateId: thread?.updateId ?? null,
      incidentId: thread?.incidentId ?? null,
      authorHandle: item.authorHandle.slice(0, 300),
      text: item.text.slice(0, 20_000),
      url: item.url ?? null,
      postedAt,
      deadlineAt: answerDeadline(postedAt, urgent, rule),
      createdAt: now,
      updatedAt: now,
    };
  });
  return tx
    .insert(inboxItems)
    .values(values)
    .onConflictDoNothing({ target: [inboxItems.accountId, inboxItems.remoteId] })
    .returning({ id: inboxItems.id, remoteId: inboxItems.remoteId });
}

/** What each remote id answers: our post (a delivery), a reply already in the inbox, or an answer of ours. */
async function resolveThreads(tx: DbOrTx, accountId: string, remoteIds: string[]): Promise<Map<string, Thread>> {
  const found = new Map<string, Thread>();
  if (!remoteIds.length) return found;
  const posts = await tx
    .select({
      remoteId: deliveries.remoteId,
      deliveryId: deliveries.id,
      updateId: deliveries.updateId,
      incidentId: updates.incidentId,
      status: incidents.status,
    })
    .from(deliveries)
    .leftJoin(updates, eq(updates.id, deliveries.updateId))
    .leftJoin(incidents, eq(incidents.id, updates.incidentId))
    .where(and(eq(deliveries.accountId, accountId), inArray(deliveries.remoteId, remoteIds)));
  for (const p of posts) {
    found.set(p.remoteId as string, {
      deliveryId: p.deliveryId,
      updateId: p.updateId,
      incidentId: p.incidentId,
      incidentActive: p.status === "active",
    });
  }
  const earlier = await tx
    .select({
      remoteId: inboxItems.remoteId,
      answerRemoteId: inboxAnswers.remoteId,
      deliveryId: inboxItems.deliveryId,
      updateId: inboxItems.updateId,
      incidentId: inboxItems.incidentId,
      status: incidents.status,
    })
    .from(inboxItems)
    .leftJoin(inboxAnswers, eq(inboxAnswers.itemId, inboxItems.id))
    .leftJoin(incidents, eq(incidents.id, inboxItems.incidentId))
    .where(
      and(
        eq(inboxItems.accountId, accountId),
        or(inArray(inboxItems.remoteId, remoteIds), inArray(inboxAnswers.remoteId, remoteIds)),
      ),
    );
  for (const e of earlier) {
    const thread = {
      deliveryId: e.deliveryId,
      updateId: e.updateId,
      incidentId: e.incidentId,
      incidentActive: e.status === "active",
    };
    for (const id of [e.remoteId, e.answerRemoteId]) if (id && !found.has(id)) found.set(id, thread);
  }
  return found;
}

function validDate(text: string): Date | null {
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}
