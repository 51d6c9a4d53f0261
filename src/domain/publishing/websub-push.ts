// WebSub content distribution (§7): after each publish, edit or withdrawal, every subscriber of
// a changed feed gets the new document, signed with its hub.secret (X-Hub-Signature: sha256=…).
// Pushes go through an outbox: queued after the change commits, claimed with FOR UPDATE SKIP
// LOCKED under a lease (a crashed sender's rows are taken again), retried with the platform
// dispatcher's backoff. The document is rendered when sent, so a retry carries the latest one.
import { inArray, lte, sql } from "drizzle-orm";
import { rowsOf } from "../../db/client";
import { claimDue, release, retryLater } from "../../db/outbox";
import { websubPushes, websubSubscriptions } from "../../db/schema";
import type { Deps } from "../../deps";
import { openJson } from "../accounts/secrets";
import { FEED_FORMATS, feedOfPath, feedOfTopic, hubLinkHeader, renderFeedDocument } from "./feed-document";

export type WebSubDeps = Pick<Deps, "db" | "now" | "fetch" | "log" | "secretKey" | "config">;

export const PUSH_TIMEOUT_MS = 10_000;
export const PUSH_LEASE_MS = 30_000;
/** Pushes one pass sends at most; the rest waits for the next pass. */
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

/**
 * One push at a time, claimed just before it is sent: its whole lease (30 s) is left for one
 * render and one request of at most PUSH_TIMEOUT_MS. A batch claimed at once would not be: behind
 * callbacks that hang until the timeout, the last rows' leases run out while they wait, another
 * sender takes them, and both push them. (Renewing a batch's leases before each push would work
 * too, at the same cost of one statement a push, but would keep rows waiting behind a slow one.)
 */
function claimNextPush(deps: Pick<Deps, "db">, owner: string, now: Date) {
  return claimDue(deps.db, websubPushes, {
    owner,
    now,
    leaseMs: PUSH_LEASE_MS,
    limit: 1,
    // A feed document is the whole feed, so a second copy after a crash does no harm.
    expiredLeases: "claim",
  });
}

interface Push {
  id: string;
  owner: string;
  attempts: number;
  topic: string;
  callback: string;
  secretSealed: string | null;
}

/** Sends what is due: new pushes, retries whose time has come, and rows whose lease ran out. */
export async function sendDueWebSubPushes(deps: WebSubDeps, owner: string): Promise<{ sent: number; failed: number }> {
  // An expired lease ends the subscription (§5.1); its waiting pushes go with it.
  await deps.db.delete(websubSubscriptions).where(lte(websubSubscriptions.expiresAt, deps.now()));
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < SEND_LIMIT; i++) {
    const claimed = await claimNextPush(deps, owner, deps.now());
    if (!claimed.length) break;
    for (const push of await withSubscriptions(deps, owner, claimed)) {
      const outcome = await sendPush(deps, push);
      const later = deps.now();
      const after = outcome.ok
        ? await release(deps.db, websubPushes, push, later, "delivered", { message: null })
        : await retryLater(deps.db, websubPushes, push, later, { message: outcome.message ?? null });
      if (!after) {
        deps.log.warn("a WebSub push outlived its lease; its outcome is not recorded", { websubPush: push.id });
        continue;
      }
      if (after.status === "delivered") sent++;
      if (after.status === "failed") failed++;
    }
  }
  return { sent, failed };
}

/** The callback, topic and secret of each claimed push (a push whose subscription just went is gone with it). */
async function withSubscriptions(
  deps: Pick<Deps, "db">,
  owner: string,
  claimed: { id: string; attempts: number; subscriptionId: string }[],
): Promise<Push[]> {
  if (!claimed.length) return [];
  const subscriptions = await deps.db
    .select({
      id: websubSubscriptions.id,
      topic: websubSubscriptions.topic,
      callback: websubSubscriptions.callback,
      secretSealed: websubSubscriptions.secretSealed,
    })
    .from(websubSubscriptions)
    .where(
      inArray(
        websubSubscriptions.id,
        claimed.map((p) => p.subscriptionId),
      ),
    );
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  return claimed.flatMap((push) => {
    const subscription = byId.get(push.subscriptionId);
    return subscription ? [{ ...subscription, id: push.id, owner, attempts: push.attempts }] : [];
  });
}

async function sendPush(deps: WebSubDeps, push: Push): Promise<{ ok: boolean; message?: string }> {
  const feed = feedOfTopic(deps.config.publicUrl, push.topic);
  if (!feed) return { ok: false, message: "the topic is no longer one of this hub's feeds" };
  const document = await renderFeedDocument(deps, feed);
  const headers: Record<string, string> = {
    "content-type": FEED_FORMATS[feed.format].type,
    link: hubLinkHeader(deps.config.publicUrl, feed),
  };
  if (push.secretSealed) {
    const { secret } = await openJson<{ secret: string }>(deps.secretKey, push.secretSealed);
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
