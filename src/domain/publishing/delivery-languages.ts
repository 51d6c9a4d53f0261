// Which language each account gets. An account whose language has a translation gets it; without
// one it gets the Swedish text at once, unless the account waits for its translation (then its
// delivery is held until the translation arrives or the wait has passed, then Swedish). Swedish
// is never held back for anyone else: each account's wait is its own.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, deliveries } from "../../db/schema";
import type { Account } from "../accounts/accounts";
import { type Delivery, type EnqueueTarget, enqueueDeliveries } from "./deliveries";
import { languageSwedishName, SWEDISH } from "./languages";

const MINUTE_MS = 60_000;

/** The language a new publish carries, when it may go, and what the board says meanwhile. */
export function planDeliveryLanguage(
  account: Pick<Account, "language" | "translationWaitMinutes">,
  available: ReadonlySet<string>,
  now: Date,
): Pick<EnqueueTarget, "language" | "nextAttemptAt" | "message"> {
  const wanted = account.language;
  if (wanted === SWEDISH || available.has(wanted)) return { language: wanted, nextAttemptAt: now };
  if (account.translationWaitMinutes && account.translationWaitMinutes > 0) {
    return {
      language: wanted,
      nextAttemptAt: translationDeadline(now, account.translationWaitMinutes),
      message: waitingMessage(wanted, account.translationWaitMinutes),
    };
  }
  return { language: SWEDISH, nextAttemptAt: now };
}

export function translationDeadline(queuedAt: Date, waitMinutes: number): Date {
  return new Date(queuedAt.getTime() + waitMinutes * MINUTE_MS);
}

export function waitingMessage(language: string, waitMinutes: number): string {
  return `Väntar på översättningen till ${languageSwedishName(language).toLowerCase()} i högst ${waitMinutes} minuter; sedan skickas den svenska texten.`;
}

interface AccountDeliveries {
  accountId: string;
  accountLanguage: string;
  borrowed: boolean;
  rows: Delivery[];
}

/** An update's deliveries per account, oldest first, with the account's language. */
async function deliveriesPerAccount(tx: DbOrTx, updateId: string): Promise<AccountDeliveries[]> {
  const rows = await tx
    .select({ delivery: deliveries, accountLanguage: accounts.language })
    .from(deliveries)
    .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
    .where(eq(deliveries.updateId, updateId))
    .orderBy(asc(deliveries.seq));
  const per = new Map<string, AccountDeliveries>();
  for (const { delivery, accountLanguage } of rows) {
    const entry = per.get(delivery.accountId) ?? {
      accountId: delivery.accountId,
      accountLanguage,
      borrowed: delivery.borrowed,
      rows: [],
    };
    entry.rows.push(delivery);
    per.set(delivery.accountId, entry);
  }
  return [...per.values()];
}

/**
 * The language of what readers of this account see of the update: the newest copy that went out
 * (the post, an edit, or a reply carrying a translation), else the language the post will carry.
 */
export function liveLanguage(rows: readonly Delivery[]): string | null {
  const live = rows.filter((d) => (d.kind === "publish" || d.kind === "edit") && d.status === "published").at(-1);
  if (live) return live.language;
  return rows.find((d) => d.kind === "publish")?.language ?? null;
}

const NEVER_SENT: ReadonlySet<Delivery["status"]> = new Set(["skipped", "cancelled"]);

/** A publish that has not been tried yet: it can still change language without risk of a double post. */
function untried(d: Delivery): boolean {
  return d.kind === "publish" && d.status === "pending" && d.attempts === 0 && !d.failureClass;
}

/**
 * A translation was added or changed. Posts not tried yet switch to it and go now (a held one
 * stops waiting); posts already out in this language are corrected; posts that went out in
 * Swedish to accounts of this language get the translation, as an edit or a reply (the
 * dispatcher chooses by platform). Returns the deliveries that are due now.
 */
export async function deliverTranslation(
  tx: DbOrTx,
  updateId: string,
  language: string,
  now: Date,
): Promise<Delivery[]> {
  const perAccount = await deliveriesPerAccount(tx, updateId);
  const switchIds: string[] = [];
  const edits: EnqueueTarget[] = [];
  for (const entry of perAccount) {
    const publish = entry.rows.find((d) => d.kind === "publish");
    if (!publish || NEVER_SENT.has(publish.status)) continue;
    if (untried(publish)) {
      if (entry.accountLanguage === language) switchIds.push(publish.id);
      continue;
    }
    const live = liveLanguage(entry.rows);
    const wanted = live === language || (live === SWEDISH && entry.accountLanguage === language);
    const waiting = entry.rows.some((d) => d.kind === "edit" && d.status === "pending" && d.language === language);
    if (wanted && !waiting) edits.push({ accountId: entry.accountId, borrowed: entry.borrowed, language });
  }
  const switched = switchIds.length
    ? await tx
        .update(deliveries)
        .set({ language, nextAttemptAt: now, message: null, updatedAt: now })
        .where(and(inArray(deliveries.id, switchIds), eq(deliveries.status, "pending")))
        .returning()
    : [];
  const queued = await enqueueDeliveries(tx, updateId, edits, "edit", now);
  return [...switched, ...queued];
}

/**
 * Who gets a correction of the Swedish text, or a retraction. An edit goes only where readers
 * see Swedish (a translated post is corrected by changing its translation); a retraction goes
 * everywhere, in the language of what it takes down.
 */
export async function followUpTargets(
  tx: DbOrTx,
  updateId: string,
  kind: "edit" | "retract",
  sentFilter: (d: Delivery) => boolean,
): Promise<EnqueueTarget[]> {
  const perAccount = await deliveriesPerAccount(tx, updateId);
  const out: EnqueueTarget[] = [];
  for (const entry of perAccount) {
    const publish = entry.rows.find((d) => d.kind === "publish" && sentFilter(d));
    if (!publish) continue;
    const live = liveLanguage(entry.rows) ?? SWEDISH;
    if (kind === "edit" && live !== SWEDISH) continue;
    // An earlier follow-up still waiting covers this one too: the dispatcher sends the current text.
    if (entry.rows.some((d) => d.kind === kind && d.status === "pending" && d.language === live)) continue;
    out.push({ accountId: entry.accountId, borrowed: entry.borrowed, language: live });
  }
  return out;
}
