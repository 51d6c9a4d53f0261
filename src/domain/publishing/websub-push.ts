// WebSub content distribution (§7): after each publish, edit or withdrawal, every subscriber of
// a changed feed gets the new document, signed with its hub.secret (X-Hub-Signature: sha256=…).
// Pushes go through an outbox: queued after the change commits, claimed with FOR UPDATE SKIP
// LOCKED under a lease (a crashed sender's rows are taken again), retried with the platform
// dispatcher's backoff. The document is rendered when sent, so a retry carries the latest one.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client";
import type { Deps } from "../../deps";
import { MAX_ATTEMPTS, nextAttemptAt } from "../../dispatcher/backoff";
import { openJson } from "../accounts/secrets";
import { FEED_FORMATS, feedOfPath, feedOfTopic, hubLinkHeader, renderFeedDocument } from "./feed-document";

export type WebSubDeps = Pick<Deps, "db" | "now" | "fetch" | "log" | "secretKey" | "config">;

const PUSH_TIMEOUT_MS = 10_000;
const PUSH_LEASE_MS = 30_000;
const SEND_LIMIT = 50;

/** Queues a push for every live subscription of the feeds among `paths`; returns how many. */
export async function queueWebSubPushes(deps: Pick<Deps, "db" | "now" | "config">, paths: readonly string[]) {
  const topics = paths.filter((p) => feedOfPath(p)).map((p) => `${deps.config.publicUrl}${p}`);
  if (!topics.length) return 0;
  const now = deps.now().toISOString();
  const updateId = await updateOfPaths(deps, paths);
  // A push still waiting will render the latest document anyway: one is enough per subscriber.
  const result = await deps.db.execute(sql`
    insert into websub_pushes (subscription_id, next_attempt_at, created_at, updated_at, update_id)
    select s.id, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz, ${updateId}::uuid
    from websub_subscriptions s
    where s.topic in (${sql.join(
      topics.map((t) => sql`${t}`),
      sql`, `,
    )})
      and s.expires_at > ${now}::timestamptz
      and not exists (select 1 from websub_pushes p where p.subscription_id = s.id and p.status = 'pending')
    returning id
  `);
  return rowsOf(result).length;
}

/**
 * The update a change was about (its permalink is among the changed paths), so the reach counts can
 * say how many pushes each update caused; null for a change of the incident or the site.
 */
async function updateOfPaths(deps: Pick<Deps, "db">, paths: readonly string[]): Promise<string | null> {
  for (const path of paths) {
    const match = /^\/incidents\/([^/]+)\/updates\/(\d+)$/.exec(path);
    if (!match) continue;
    const found = rowsOf<{ id: string }>(
      await deps.db.execute(sql`
        select u.id from updates u join incidents i on i.id = u.incident_id
        where i.slug = ${decodeURIComponent(match[1])} and u.number = ${Number(match[2])}
      `),
    );
    return found[0]?.id ?? null;
  }
  return null;
}

interface ClaimedPush {
  id: string;
  attempts: number;
  topic: string;
  callback: string;
  secret_sealed: string | null;
  expires_at: string | Date;
}

/** Sends what is due: new pushes, retries whose time has come, and rows whose lease ran out. */
export async function sendDueWebSubPushes(deps: WebSubDeps, owner: string): Promise<{ sent: number; failed: number }> {
  const at = deps.now();
  const now = at.toISOString();
  // An expired lease ends the subscription (§5.1); its waiting pushes go with it.
  await deps.db.execute(sql`delete from websub_subscriptions where expires_at <= ${now}::timestamptz`);
  const until = new Date(at.getTime() + PUSH_LEASE_MS).toISOString();
  const claimed = rowsOf<ClaimedPush>(
    await deps.db.execute(sql`
      with due as (
        select p.id from websub_pushes p
        where (p.status = 'pending' and p.next_attempt_at <= ${now}::timestamptz)
           or (p.status = 'sending' and p.lease_until <= ${now}::timestamptz)
        order by p.next_attempt_at
        limit ${SEND_LIMIT}
        for update of p skip locked
      )
      update websub_pushes p
      set status = 'sending', lease_owner = ${owner}, lease_until = ${until}::timestamptz,
          attempts = p.attempts + 1, updated_at = ${now}::timestamptz
      from due, websub_subscriptions s
      where p.id = due.id and s.id = p.subscription_id
      returning p.id, p.attempts, s.topic, s.callback, s.secret_sealed, s.expires_at
    `),
  );
  let sent = 0;
  let failed = 0;
  for (const push of claimed) {
    const outcome = await sendPush(deps, push);
    const later = deps.now();
    if (outcome.ok) {
      sent++;
      await settlePush(deps, push.id, "delivered", later, null, null);
    } else if (push.attempts >= MAX_ATTEMPTS) {
      failed++;
      await settlePush(deps, push.id, "failed", later, null, outcome.message ?? null);
    } else {
      await settlePush(deps, push.id, "pending", later, nextAttemptAt(later, push.attempts), outcome.message ?? null);
    }
  }
  return { sent, failed };
}

async function settlePush(
  deps: Pick<Deps, "db">,
  id: string,
  status: "pending" | "delivered" | "failed",
  now: Date,
  next: Date | null,
  message: string | null,
) {
  await deps.db.execute(sql`
    update websub_pushes
    set status = ${status}, lease_owner = null, lease_until = null, message = ${message},
        next_attempt_at = coalesce(${next?.toISOString() ?? null}::timestamptz, next_attempt_at),
        updated_at = ${now.toISOString()}::timestamptz
    where id = ${id}::uuid
  `);
}

async function sendPush(deps: WebSubDeps, push: ClaimedPush): Promise<{ ok: boolean; message?: string }> {
  const feed = feedOfTopic(deps.config.publicUrl, push.topic);
  if (!feed) return { ok: false, message: "the topic is no longer one of this hub's feeds" };
  const document = await renderFeedDocument(deps, feed);
  const headers: Record<string, string> = {
    "content-type": FEED_FORMATS[feed.format].type,
    link: hubLinkHeader(deps.config.publicUrl, feed),
  };
  if (push.secret_sealed) {
    const { secret } = await openJson<{ secret: string }>(deps.secretKey, push.secret_sealed);
    headers["x-hub-signature"] = `sha256=${await hmacSha256Hex(secret, document.body)}`;
  }
  try {
    const res = await deps.fetch(push.callback, {
      method: "POST",
      headers,
      body: document.body,
      redirect: "manual",
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, message: `HTTP ${res.status}` };
  } catch (error) {
    return { ok: false, message: String(error).slice(0, 300) };
  }
}

const encoder = new TextEncoder();

export async function hmacSha256Hex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** After a committed public change: queue the pushes it owes, then send them at once. */
export async function pushChangedFeeds(deps: WebSubDeps, paths: readonly string[]): Promise<void> {
  if (!(await queueWebSubPushes(deps, paths))) return;
  await sendDueWebSubPushes(deps, `websub:${crypto.randomUUID()}`);
}
