// Notifications to staff: written in the transaction of what caused them (shown in the staff
// interface), and sent after commit to an outbound webhook when KRISKANAL_WEBHOOK_URL is set.
import { and, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { notifications, people } from "../../db/schema";
import type { Deps } from "../../deps";
import { NotFoundError } from "../../errors";
import type { Account } from "../publishing/targets";
import { recordAudit } from "../records/audit";
import type { Actor } from "./actor";
import { editorsOfDepartment } from "./people";

export type Notification = typeof notifications.$inferSelect;

/** Webhook receivers get this long to answer; a slow receiver must not pile up deferred work. */
const WEBHOOK_TIMEOUT_MS = 10_000;
const SEND_BATCH = 100;

interface Recipient {
  email: string;
  name: string;
  personId: string | null;
}

/**
 * Everyone who answers for an account: the editors named on it, and the people whose role is
 * editor of its department. One notification per person, however they are listed.
 */
async function recipientsOf(tx: DbOrTx, account: Account): Promise<Recipient[]> {
  const byEmail = new Map<string, Recipient>();
  for (const e of account.editors) byEmail.set(e.email.toLowerCase(), { email: e.email, name: e.name, personId: null });
  const staff = account.departmentId ? await editorsOfDepartment(tx, account.departmentId) : [];
  for (const p of staff) byEmail.set(p.email.toLowerCase(), { email: p.email, name: p.name, personId: p.id });
  const unmatched = [...byEmail].filter(([, r]) => !r.personId).map(([k]) => k);
  if (unmatched.length) {
    const known = await tx
      .select({ id: people.id, email: people.email })
      .from(people)
      .where(inArray(sql`lower(${people.email})`, unmatched));
    for (const p of known) {
      const recipient = byEmail.get(p.email.toLowerCase());
      if (recipient) recipient.personId = p.id;
    }
  }
  return [...byEmail.values()];
}

export interface BorrowingNotice {
  actor: Actor;
  account: Account;
  incidentId: string;
  incidentTitle: string;
  updateId: string;
  updateNumber: number;
  reason: string;
}

export async function notifyAccountBorrowed(tx: DbOrTx, notice: BorrowingNotice, now: Date): Promise<string[]> {
  const recipients = await recipientsOf(tx, notice.account);
  if (!recipients.length) return [];
  const { actor, account } = notice;
  const message =
    `${actor.name} publicerade uppdatering ${notice.updateNumber} om ”${notice.incidentTitle}” genom ` +
    `${account.platform}-kontot ${account.handle}, som lånades under krisen. Skäl: ${notice.reason}`;
  const rows = await tx
    .insert(notifications)
    .values(
      recipients.map((r) => ({
        personId: r.personId,
        email: r.email,
        kind: "account.borrowed",
        message,
        data: {
          accountId: account.id,
          platform: account.platform,
          handle: account.handle,
          incidentId: notice.incidentId,
          updateId: notice.updateId,
          borrowedBy: actor.name,
          borrowedById: actor.id,
          reason: notice.reason,
          editor: r.name,
        },
        createdAt: now,
      })),
    )
    .returning({ id: notifications.id });
  return rows.map((r) => r.id);
}

type SendDeps = Pick<Deps, "db" | "now" | "fetch" | "config" | "log">;

/**
 * Posts unsent notifications to the webhook. Each row is claimed (sentAt set) before it is
 * sent, so two senders never post the same one; a failed post is released for the next try.
 */
export async function sendPendingNotifications(deps: SendDeps): Promise<{ sent: number; failed: number }> {
  const url = deps.config.webhookUrl;
  if (!url) return { sent: 0, failed: 0 };
  const now = deps.now();
  const claimed = await deps.db
    .update(notifications)
    .set({ sentAt: now })
    .where(
      and(
        // Checked again on the row itself, so a racing sender that picked the same ids skips them.
        isNull(notifications.sentAt),
        inArray(
          notifications.id,
          deps.db
            .select({ id: notifications.id })
            .from(notifications)
            .where(isNull(notifications.sentAt))
            .orderBy(notifications.createdAt)
            .limit(SEND_BATCH),
        ),
      ),
    )
    .returning();
  let sent = 0;
  let failed = 0;
  for (const n of claimed) {
    try {
      const body = JSON.stringify(toNotificationPayload(n));
      const res = await deps.fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Kriskanal",
          "x-kriskanal-event": n.kind,
          "x-kriskanal-delivery": n.id,
          ...(deps.config.webhookSecret
            ? { "x-kriskanal-signature": await signWebhookBody(deps.config.webhookSecret, body, deps.now()) }
            : {}),
        },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      sent++;
    } catch (error) {
      failed++;
      await deps.db.update(notifications).set({ sentAt: null }).where(eq(notifications.id, n.id));
      deps.log.warn("notification webhook failed", { notificationId: n.id, error: String(error) });
    }
  }
  return { sent, failed };
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes it with the
 * shared secret, and the timestamp lets it refuse a replayed request.
 */
export async function signWebhookBody(secret: string, body: string, at: Date): Promise<string> {
  const t = Math.floor(at.getTime() / 1000);
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${t}.${body}`)));
  return `t=${t},v1=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** What a verb that writes notifications needs to send them after commit; none of it optional. */
export type NotifyDeps = SendDeps & Pick<Deps, "defer">;

/** After commit, when a webhook is configured: the caller's response does not wait for it. */
export function scheduleNotifications(deps: NotifyDeps): void {
  if (!deps.config.webhookUrl) return;
  deps.defer(sendPendingNotifications(deps));
}

export function toNotificationPayload(n: Notification) {
  return {
    id: n.id,
    kind: n.kind,
    email: n.email,
    personId: n.personId,
    message: n.message,
    data: n.data,
    createdAt: n.createdAt,
    readAt: n.readAt,
  };
}

export const ListNotificationsQuery = z.object({
  unread: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function addressedTo(actor: Actor) {
  return or(
    eq(notifications.personId, actor.id),
    actor.email ? eq(sql`lower(${notifications.email})`, actor.email.toLowerCase()) : undefined,
  );
}

/** A person's own notifications, by person or by the email an account lists them under. */
export async function listNotificationsFor(db: DbOrTx, actor: Actor, raw: unknown = {}) {
  const q = ListNotificationsQuery.parse(raw);
  if (!actor.id) return [];
  return db
    .select()
    .from(notifications)
    .where(and(addressedTo(actor), q.unread === "true" ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt))
    .limit(q.limit);
}

export async function markNotificationRead(deps: Pick<Deps, "db" | "now">, actor: Actor, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("notification");
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, id), addressedTo(actor)));
    // Someone else's notification is "not found": its existence is not theirs to learn.
    if (!before) throw new NotFoundError("notification");
    if (before.readAt) return before;
    const [after] = await tx.update(notifications).set({ readAt: now }).where(eq(notifications.id, id)).returning();
    await recordAudit(tx, actor, now, {
      action: "notification.read",
      entityType: "notification",
      entityId: id,
    });
    return after;
  });
}
