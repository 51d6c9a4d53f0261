// When to try a delivery again. The platform's own signal (Retry-After, the rate-limit reset
// headers, Telegram's retry_after, read by the adapter into retryAfterSeconds) wins; otherwise
// exponential backoff with jitter, so a hundred accounts that failed together do not retry together.

export const BASE_DELAY_MS = 10_000;
export const MAX_DELAY_MS = 30 * 60_000;
/** Claims, including the first; after this many a retryable failure is given up and shown as failed. */
export const MAX_ATTEMPTS = 10;
/** Spread over which retries that were told the same reset time are scattered. */
const RESET_JITTER_MS = 1_000;

/** Delay before attempt `attempt + 1`, given that attempt number `attempt` (1-based) just failed. */
export function retryDelayMs(attempt: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.ceil(retryAfterSeconds * 1000) + Math.floor(random() * RESET_JITTER_MS);
  }
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": never less than half the ceiling, so backoff still grows.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function nextAttemptAt(now: Date, attempt: number, retryAfterSeconds?: number, random?: () => number): Date {
  return new Date(now.getTime() + retryDelayMs(attempt, retryAfterSeconds, random));
}
