// Snapshot reminders: the policies ask for every account to be documented twice a year, and the
// compliance rule snapshot_stale only shows up to someone who opens the report. This tells the
// people who answer for the account. It runs on a timer (Node) and an hourly cron (Workers), so
// it decides from the notifications already written whether an account was reminded lately.
import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, notifications, people } from "../../db/schema";
import type { Deps } from "../../deps";
import { type AccountFacts, loadAccountFacts, snapshotStale } from "../accounts/compliance";
import { SYSTEM_ACTOR } from "../people/actor";
import { type NotifyDeps, scheduleNotifications } from "../people/notify";
import { recordAudit } from "./audit";

export const SNAPSHOT_REMINDER_KIND = "snapshot.reminder";
/** Often enough to be noticed, seldom enough that a busy editor is not nagged every day. */
export const SNAPSHOT_REMINDER_INTERVAL_DAYS = 30;
const DAY_MS = 86_400_000;

type Account = typeof accounts.$inferSelect;

interface Recipient {
  email: string;
  name: string;
  personId: string | null;
}

export interface ReminderReport {
  /** Active accounts whose newest snapshot is older than the policies allow. */
  stale: number;
  /** Of those, the accounts reminded now (the rest were reminded within the interval). */
  reminded: number;
  notifications: number;
}

/**
 * One reminder per stale account to its named editors and every admin, at most once per
 * SNAPSHOT_REMINDER_INTERVAL_DAYS. Safe to run as often as wanted and from several processes.
 */
export async function remindStaleSnapshots(deps: NotifyDeps): Promise<ReminderReport> {
  const now = deps.now();
  const stale = (await loadAccountFacts(deps.db)).flatMap((facts) => {
    const [finding] = snapshotStale(facts, now);
    return finding ? [{ facts, message: finding.message }] : [];
  });
  const report: ReminderReport = { stale: stale.length, reminded: 0, notifications: 0 };
  if (!stale.length) return report;
  const since = new Date(now.getTime() - SNAPSHOT_REMINDER_INTERVAL_DAYS * DAY_MS);
  const recent = await remindedAccountsSince(deps.db, since);
  const due = stale.filter(({ facts }) => !recent.has(facts.account.id));
  if (!due.length) return report;
  const admins = await activeAdmins(deps.db);
  for (const { facts, message } of due) {
    const written = await deps.db.transaction(async (tx) => {
      // The row lock makes a second process running at the same moment wait, then see our reminder.
      await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, facts.account.id)).for("update");
      if ((await remindedAccountsSince(tx, since, facts.account.id)).size) return 0;
      return writeReminder(tx, deps, facts, message, admins, now);
    });
    if (written) {
      report.reminded++;
      report.notifications += written;
    }
  }
  if (report.notifications) scheduleNotifications(deps);
  if (report.reminded) deps.log.info("snapshot reminders written", { ...report });
  return report;
}

async function writeReminder(
  tx: DbOrTx,
  deps: Pick<Deps, "config">,
  { account, lastSnapshotAt }: AccountFacts,
  finding: string,
  admins: Recipient[],
  now: Date,
): Promise<number> {
  const recipients = await recipientsOf(tx, account, admins);
  if (!recipients.length) return 0;
  const message =
    `Påminnelse om ögonblicksbild för ${account.platform}-kontot ${account.handle}: ${finding} ` +
    "Ögonblicksbilden sparar kontots uppgifter och allt som publicerats genom det sedan förra gången som allmän handling. " +
    `Ta den i Kriskanal (API: POST ${deps.config.publicUrl}/api/v1/accounts/${account.id}/snapshots). ` +
    `Du får en ny påminnelse om ${SNAPSHOT_REMINDER_INTERVAL_DAYS} dagar om ingen ögonblicksbild har tagits.`;
  const data = {
    accountId: account.id,
    platform: account.platform,
    handle: account.handle,
    lastSnapshotAt: lastSnapshotAt ? lastSnapshotAt.toISOString() : null,
    registeredAt: account.createdAt.toISOString(),
  };
  const rows = await tx
    .insert(notifications)
    .values(
      recipients.map((r) => ({
        personId: r.personId,
        email: r.email,
        kind: SNAPSHOT_REMINDER_KIND,
        message,
        data: { ...data, recipient: r.name },
        createdAt: now,
      })),
    )
    .returning({ id: notifications.id });
  await recordAudit(tx, SYSTEM_ACTOR, now, {
    action: "snapshot.reminded",
    entityType: "account",
    entityId: account.id,
    accountId: account.id,
    after: { ...data, notificationIds: rows.map((r) => r.id), recipients: recipients.map((r) => r.email) },
  });
  return rows.length;
}

/** The accounts (or the one account) reminded after `since`, from the notifications themselves. */
async function remindedAccountsSince(db: DbOrTx, since: Date, accountId?: string): Promise<Set<string>> {
  const accountIdOf = sql<string>`${notifications.data}->>'accountId'`;
  const rows = await db
    .selectDistinct({ accountId: accountIdOf })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, SNAPSHOT_REMINDER_KIND),
        gt(notifications.createdAt, since),
        accountId ? sql`${accountIdOf} = ${accountId}` : undefined,
      ),
    );
  return new Set(rows.map((r) => r.accountId));
}

async function activeAdmins(db: DbOrTx): Promise<Recipient[]> {
  const rows = await db
    .select({ id: people.id, name: people.name, email: people.email })
    .from(people)
    .where(and(eq(people.role, "admin"), isNull(people.disabledAt)));
  return rows.map((p) => ({ email: p.email, name: p.name, personId: p.id }));
}

/** The account's named editors and every admin, once per person however they are listed. */
async function recipientsOf(tx: DbOrTx, account: Account, admins: Recipient[]): Promise<Recipient[]> {
  const byEmail = new Map<string, Recipient>();
  for (const e of account.editors) {
    if (e.email.trim())
      byEmail.set(e.email.trim().toLowerCase(), { email: e.email.trim(), name: e.name, personId: null });
  }
  const unmatched = [...byEmail.keys()];
  if (unmatched.length) {
    // An editor with a sign-in sees the reminder in the staff interface too.
    const known = await tx
      .select({ id: people.id, email: people.email })
      .from(people)
      .where(inArray(sql`lower(${people.email})`, unmatched));
    for (const p of known) {
      const r = byEmail.get(p.email.toLowerCase());
      if (r) r.personId = p.id;
    }
  }
  for (const a of admins) byEmail.set(a.email.toLowerCase(), a);
  return [...byEmail.values()];
}
