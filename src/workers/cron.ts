// Workers only: the cron triggers of wrangler.toml. Every minute the sweep sends what is due
// and what a crashed invocation left behind (the queue lives in memory locally, and a message
// can be lost in production), and the shared inbox collects what is due; every hour the rights of accounts not checked for a day are checked
// and stale snapshots are reminded of (at most once a month per account, so hourly is harmless).
import type { Deps } from "../deps";
import { dispatchDue } from "../dispatcher/dispatch";
import { checkDueAccountRights } from "../domain/accounts/rights";
import { sendDueInboxAnswers } from "../domain/inbox/answers";
import { collectDueInboxes } from "../domain/inbox/collect";
import { sendDueWebPushes } from "../domain/publishing/push-messages";
import { sendDueWebSubPushes } from "../domain/publishing/websub-push";
import { remindStaleSnapshots } from "../domain/records/snapshot-reminders";
import { eraseStaleSubscribers } from "../domain/subscribers/erasure";
import { sendDueSubscriberMessages } from "../domain/subscribers/outbox";

/** Must match [triggers] crons in wrangler.toml. */
export const SWEEP_CRON = "* * * * *";
export const HOURLY_CRON = "17 * * * *";
/** A cron invocation has about 30 s of CPU; the rest waits for the next minute. */
const SWEEP_LIMIT = 50;

export interface CronReport {
  dispatched: number;
  rightsChecked?: number;
  snapshotsReminded?: number;
  inboxCollected?: number;
}

export async function runCron(deps: Deps, cron: string): Promise<CronReport> {
  const owner = `worker-cron:${crypto.randomUUID()}`;
  if (cron === HOURLY_CRON) {
    const rights = await checkDueAccountRights(deps);
    const reminders = await remindStaleSnapshots(deps);
    await eraseStaleSubscribers(deps);
    return { dispatched: 0, rightsChecked: rights.checked, snapshotsReminded: reminders.reminded };
  }
  const report = await dispatchDue(deps, { owner, limit: SWEEP_LIMIT, leaseMs: deps.config.leaseMs });
  // WebSub retries and expired subscriptions (the first push goes out right after the change).
  await sendDueWebSubPushes(deps, owner);
  // The shared inbox: accounts whose next look is due (each account keeps its own pace and 429 wait).
  const inbox = await collectDueInboxes(deps);
  await sendDueInboxAnswers(deps, owner);
  // SMS to subscribers (email has no transport on Workers yet: see README).
  await sendDueSubscriberMessages(deps, owner);
  // Web push retries, and any fan-out an invocation left undone.
  await sendDueWebPushes(deps, owner);
  if (report.claimed) deps.log.info("cron sweep sent deliveries", { claimed: report.claimed });
  return { dispatched: report.claimed, inboxCollected: inbox.collected };
}
