// Writing down what happened. Outcomes that arrive together are recorded in one transaction (a
// fan-out to a hundred accounts is a couple of commits, not a hundred), and each row is written
// only while this dispatcher still holds its lease, so a row another dispatcher took over after
// our lease ran out is never overwritten.
import { sql } from "drizzle-orm";
import { type DbOrTx, rowsOf } from "../db/client";
import type { auditLog } from "../db/schema";
import type { Deps } from "../deps";
import type { Account } from "../domain/accounts/accounts";
import { writeRights } from "../domain/accounts/rights";
import { SYSTEM_ACTOR } from "../domain/people/actor";
import { incidentPath, updatePath } from "../domain/publishing/links";
import { bumpPublicRevision } from "../domain/publishing/organisation";
import type { Outcome } from "./outcome";

type RecordDeps = Pick<Deps, "db" | "now" | "log" | "onPublicChange">;

export async function recordOutcomes(deps: RecordDeps, owner: string, outcomes: Outcome[]): Promise<void> {
  if (!outcomes.length) return;
  const now = deps.now();
  const changed = await deps.db.transaction(async (tx) => {
    const written = await writeOutcomes(tx, owner, outcomes, now);
    const lost = outcomes.filter((o) => !written.has(o.job.delivery.id));
    for (const o of lost) {
      deps.log.warn("delivery lease lost before recording; another dispatcher has the row", {
        deliveryId: o.job.delivery.id,
        status: o.status,
      });
    }
    const kept = outcomes.filter((o) => written.has(o.job.delivery.id));
    if (!kept.length) return [];
    await insertAuditRows(
      tx,
      kept.map((o) => auditRowOf(o, now)),
    );
    const paths = new Set<string>();
    for (const o of kept) {
      if (o.rightsFailure) await flagAccountRights(tx, o.job.account, o.rightsFailure, now);
      const post = o.job.post;
      if (o.publicChange && post) {
        paths.add(incidentPath(post.incident.slug, post.incident.exercise));
        paths.add(updatePath(post.incident.slug, post.update.number, post.incident.exercise));
      }
    }
    if (paths.size) await bumpPublicRevision(tx);
    return [...paths];
  });
  if (changed.length) deps.onPublicChange(changed);
}

/**
 * Every outcome in one UPDATE, each row only while this dispatcher still holds its lease. The rows
 * travel as one JSON parameter: building a hundred-row VALUES list costs more than the UPDATE.
 * Returns the ids actually written.
 */
async function writeOutcomes(tx: DbOrTx, owner: string, outcomes: Outcome[], now: Date): Promise<Set<string>> {
  const rows = outcomes.map((o) => ({
    id: o.job.delivery.id,
    status: o.status,
    failure_class: o.failureClass,
    message: o.message,
    sent_text: o.sentText ?? null,
    has_remote: o.remoteId !== undefined,
    remote_id: o.remoteId ?? null,
    remote_url: o.remoteUrl ?? null,
    next_attempt_at: o.nextAttemptAt?.toISOString() ?? null,
    backoff_failures: o.backoffFailures ?? null,
    settlement: o.settlement ?? null,
    not_an_attempt: o.notAnAttempt ?? false,
    language: o.language ?? null,
  }));
  const at = now.toISOString();
  const result = await tx.execute(sql`
    update deliveries d
    set status = v.status, failure_class = v.failure_class, message = v.message,
        sent_text = coalesce(v.sent_text, d.sent_text),
        remote_id = case when v.has_remote then v.remote_id else d.remote_id end,
        remote_url = case when v.has_remote then v.remote_url else d.remote_url end,
        published_at = case when v.status = 'published' then ${at}::timestamptz else d.published_at end,
        next_attempt_at = coalesce(v.next_attempt_at, d.next_attempt_at),
        backoff_failures = coalesce(v.backoff_failures, d.backoff_failures),
        settlement = coalesce(v.settlement, d.settlement),
        language = coalesce(v.language, d.language),
        attempts = case when v.not_an_attempt then greatest(d.attempts - 1, 0) else d.attempts end,
        lease_owner = null, lease_until = null, updated_at = ${at}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as v(id uuid, status text, failure_class text, message text, sent_text text, has_remote boolean,
        remote_id text, remote_url text, next_attempt_at timestamptz, backoff_failures integer, settlement jsonb, not_an_attempt boolean,
        language text)
    where d.id = v.id and d.lease_owner = ${owner} and d.status = 'sending'
    returning d.id as id
  `);
  return new Set(rowsOf<{ id: string }>(result).map((r) => r.id));
}

/** Audit rows as one JSON parameter, for the same reason as writeOutcomes. */
async function insertAuditRows(tx: DbOrTx, rows: (typeof auditLog.$inferInsert)[]): Promise<void> {
  const json = rows.map((r) => ({
    at: r.at instanceof Date ? r.at.toISOString() : r.at,
    actor_id: r.actorId ?? null,
    actor_name: r.actorName,
    action: r.action,
    entity_type: r.entityType,
    entity_id: r.entityId ?? null,
    incident_id: r.incidentId ?? null,
    account_id: r.accountId ?? null,
    before: r.before ?? null,
    after: r.after ?? null,
  }));
  await tx.execute(sql`
    insert into audit_log (at, actor_id, actor_name, action, entity_type, entity_id, incident_id, account_id, before, after)
    select at, actor_id, actor_name, action, entity_type, entity_id, incident_id, account_id, before, after
    from jsonb_to_recordset(${JSON.stringify(json)}::jsonb)
      as r(at timestamptz, actor_id uuid, actor_name text, action text, entity_type text, entity_id text,
        incident_id uuid, account_id uuid, before jsonb, after jsonb)
  `);
}

/** The audit row of one attempt (written as recordAudit would; nothing secret is in it). */
function auditRowOf(o: Outcome, at: Date): typeof auditLog.$inferInsert {
  const { delivery, post } = o.job;
  return {
    at,
    actorId: SYSTEM_ACTOR.id || null,
    actorName: SYSTEM_ACTOR.name,
    action: o.status === "pending" ? "delivery.retry_scheduled" : `delivery.${o.status}`,
    entityType: "delivery",
    entityId: delivery.id,
    incidentId: post?.incident.id ?? null,
    accountId: delivery.accountId,
    before: null,
    after: {
      kind: delivery.kind,
      updateId: delivery.updateId,
      attempts: delivery.attempts,
      status: o.status,
      remoteId: o.remoteId ?? null,
      remoteUrl: o.remoteUrl ?? null,
      failureClass: o.failureClass,
      message: o.message,
      nextAttemptAt: o.nextAttemptAt?.toISOString() ?? null,
      // What this attempt checked, when the delivery was in doubt.
      ...(o.settlement ? { lastCheck: o.settlement.checks.at(-1) ?? null } : {}),
    },
  };
}

/** The platform refused the login or the rights: later deliveries to the account fail at once (rights.ts). */
async function flagAccountRights(
  tx: DbOrTx,
  account: Account,
  failure: NonNullable<Outcome["rightsFailure"]>,
  now: Date,
): Promise<void> {
  const rights = { status: "failing" as const, class: failure.class, detail: failure.detail, checkedAt: now };
  await writeRights(tx, SYSTEM_ACTOR, account, rights, "account.rights_failed", now);
}

export interface Recorder {
  /** `count` sends have started whose outcomes will be added: the window closes once all are in. */
  expect(count: number): void;
  /** Queues an outcome; resolves once it (and whatever queued with it) is committed. */
  add(outcome: Outcome): Promise<void>;
  drain(): Promise<void>;
}

/**
 * How long the first outcome waits for others. Answers to a fan-out arrive within milliseconds of
 * each other; writing each on its own would keep the database (PGlite runs on the main thread)
 * busy while the rest wait to be read. When every expected outcome is in, nobody is waited for.
 */
export const RECORD_BATCH_WINDOW_MS = 15;
/**
 * While answers keep coming (each window brought more, and sends are still out), the batch waits
 * another window, up to this many: a fan-out's answers arrive over a couple of hundred milliseconds
 * on a busy machine, and a first batch written while the rest are still being read took as long as
 * reading them, with the batch of the rest only after it (bench:fanout's trace).
 */
export const RECORD_BATCH_MAX_WINDOWS = 12;

export function createRecorder(
  deps: RecordDeps,
  owner: string,
  afterFlush?: () => void,
  windowMs = RECORD_BATCH_WINDOW_MS,
): Recorder {
  let queue: Outcome[] = [];
  let flushing: Promise<void> | null = null;
  // Sends still running; null until expect() is called (then the window is always waited).
  let outstanding: number | null = null;
  let closeWindow: (() => void) | null = null;
  const waitWindow = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, windowMs);
      closeWindow = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      closeWindow = null;
    });
  const gather = async () => {
    for (let windows = 1; ; windows++) {
      const before = queue.length;
      await waitWindow();
      if (outstanding === 0 || queue.length === before || windows >= RECORD_BATCH_MAX_WINDOWS) return;
    }
  };
  const flush = async () => {
    if (windowMs > 0 && outstanding !== 0) await gather();
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        deps.log.debug("dispatch: recording", { count: batch.length });
        await recordOutcomes(deps, owner, batch);
        deps.log.debug("dispatch: recorded", { count: batch.length });
      } catch (error) {
        // The rows stay "sending" until their lease runs out and are then settled before any resend.
        deps.log.error("recording delivery outcomes failed", { count: batch.length, error: String(error) });
      }
      afterFlush?.();
    }
    flushing = null;
  };
  return {
    expect(count) {
      outstanding = (outstanding ?? 0) + count;
    },
    add(outcome) {
      queue.push(outcome);
      if (outstanding !== null) {
        outstanding = Math.max(0, outstanding - 1);
        if (outstanding === 0) closeWindow?.();
      }
      flushing ??= flush();
      return flushing;
    },
    drain: () => flushing ?? Promise.resolve(),
  };
}
