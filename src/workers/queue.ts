// Workers only: the queue consumer. One message per delivery; each is acknowledged only once the
// dispatcher has recorded a final result, and otherwise handed back to the queue with a delay the
// dispatcher chose (its backoff, or the platform's Retry-After), so waiting costs no CPU time.
// The database row stays the truth: a lost message is found by the cron sweep.
import type { Message, MessageBatch } from "@cloudflare/workers-types/index";
import { eq } from "drizzle-orm";
import { deliveries } from "../db/schema";
import type { Deps } from "../deps";
import { dispatchDelivery } from "../dispatcher/dispatch";
import type { DeliveryMessage } from "./deps";

/** Cloudflare Queues accept at most 12 hours of delay. */
const MAX_DELAY_SECONDS = 12 * 60 * 60;
/**
 * Due but not sendable yet (an earlier delivery to the same account, or deliveries paused), or
 * the database did not answer: look again soon, on the scale of the dispatcher's first retry.
 */
const BLOCKED_DELAY_SECONDS = 2;

export type MessageDecision = { ack: true } | { ack: false; delaySeconds: number };

export interface DeliveryState {
  status: string;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
}

/** What to do with a message once the dispatcher has had its go at the delivery. */
export function decideMessage(row: DeliveryState | undefined, now: Date): MessageDecision {
  if (!row) return { ack: true };
  const until = (at: Date | null) => Math.ceil(((at?.getTime() ?? 0) - now.getTime()) / 1000);
  let seconds: number;
  if (row.status === "pending") {
    // A scheduled retry, or a row that was due but could not be claimed.
    seconds = until(row.nextAttemptAt);
    if (seconds <= 0) seconds = BLOCKED_DELAY_SECONDS;
  } else if (row.status === "sending") {
    // Another dispatcher holds the lease, or recording our result failed: look again after the lease.
    seconds = Math.max(until(row.leaseUntil), 0) + 1;
  } else {
    return { ack: true };
  }
  return { ack: false, delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, seconds)) };
}

type Handled = { message: Message<DeliveryMessage>; decision: MessageDecision; claimed: boolean; blocked: boolean };

export async function consumeDeliveries(deps: Deps, batch: MessageBatch<DeliveryMessage>): Promise<void> {
  const owner = `worker-queue:${crypto.randomUUID()}`;
  let round = batch.messages.filter((message) => {
    if (typeof message.body?.deliveryId === "string") return true;
    deps.log.warn("queue message without a delivery id", { messageId: message.id });
    message.ack();
    return false;
  });
  // Side by side, so one slow platform holds back no other. A message behind an earlier delivery
  // to the same account in this batch cannot be claimed yet; it gets another round once that
  // one is done, instead of a trip back through the queue.
  while (round.length) {
    const handled = await Promise.all(round.map((message) => handleMessage(deps, owner, message)));
    const progressed = handled.some((h) => h.claimed);
    const again: Message<DeliveryMessage>[] = [];
    for (const h of handled) {
      if (h.blocked && progressed) again.push(h.message);
      else if (h.decision.ack) h.message.ack();
      else h.message.retry({ delaySeconds: h.decision.delaySeconds });
    }
    round = again;
  }
}

async function handleMessage(deps: Deps, owner: string, message: Message<DeliveryMessage>): Promise<Handled> {
  const id = message.body.deliveryId;
  try {
    const report = await dispatchDelivery(deps, id, owner, { leaseMs: deps.config.leaseMs });
    const [row] = await deps.db
      .select({ status: deliveries.status, nextAttemptAt: deliveries.nextAttemptAt, leaseUntil: deliveries.leaseUntil })
      .from(deliveries)
      .where(eq(deliveries.id, id));
    const claimed = report.claimed > 0;
    const blocked = !claimed && row?.status === "pending" && row.nextAttemptAt <= deps.now();
    return { message, decision: decideMessage(row, deps.now()), claimed, blocked };
  } catch (error) {
    deps.log.error("delivery from the queue failed", { deliveryId: id, error: String(error) });
    return { message, decision: { ack: false, delaySeconds: BLOCKED_DELAY_SECONDS }, claimed: false, blocked: false };
  }
}
