// When to try a delivery again. The platform's own signal (Retry-After, the rate-limit reset
// headers, Telegram's retry_after, read by the adapter into retryAfterSeconds) wins and is never
// undercut; otherwise exponential backoff from about a second, with jitter, so a blip costs
// seconds, not minutes, and a hundred accounts that failed together do not retry together.

export const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 30 * 60_000;
/**
 * Failed sends; after this many a retryable failure is given up and shown as failed. With the
 * short first step this still keeps trying for well over an hour. For deliveries, the sends that
 * count are those the platform gave no time for (deliveries.backoff_failures).
 */
export const MAX_ATTEMPTS = 14;
/**
 * A delivery also ends after this many times MAX_ATTEMPTS claims of any kind (rate-limit waits,
 * leases that ran out, lookups), so a platform that only ever answers "later" is not tried for ever.
 */
export const ALL_CLAIMS_FACTOR = 2;
/** Spread over which retries that were told the same reset time are scattered. */
const RESET_JITTER_MS = 1_000;

/** Delay before attempt `attempt + 1`, given that attempt number `attempt` (1-based) just failed. */
export function retryDelayMs(attempt: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    // Jitter only ever adds: earlier than the platform said would just be refused again.
    return Math.ceil(retryAfterSeconds * 1000) + Math.floor(random() * RESET_JITTER_MS);
  }
  // The step doubles per attempt; the delay falls anywhere in [step, 2 * step), so it still grows,
  // and at the cap it stays jittered within [MAX / 2, MAX).
  const step = Math.min(MAX_DELAY_MS / 2, BASE_DELAY_MS * 2 ** Math.max(0, Math.min(attempt, 40) - 1));
  return Math.floor(step + random() * step);
}

export function nextAttemptAt(now: Date, attempt: number, retryAfterSeconds?: number, random?: () => number): Date {
  return new Date(now.getTime() + retryDelayMs(attempt, retryAfterSeconds, random));
}
