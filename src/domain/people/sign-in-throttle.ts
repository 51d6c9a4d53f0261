// Throttling of failed sign-ins, per client address and per email together. Each attempt is
// counted before its password is checked, in one upsert that returns the new count, so
// concurrent guesses cannot all pass a check that read the same old count.
//
// The limits slow a guesser down without locking the owner out: five failures stop the client
// that made them for that email; a client stops after many failures across emails (spraying);
// and an email under attack from many clients refuses only clients that themselves have failed
// on it, so the person typing the right password on their own device still gets in.
import { eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { signInThrottle } from "../../db/schema";
import { TooManyRequestsError } from "../../errors";

export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Failures by one client for one email. */
export const MAX_FAILURES = 5;
/** Failures by one client across every email. */
export const MAX_CLIENT_FAILURES = 50;
/** Failures for one email across clients, enforced on clients that have failed on it too. */
export const MAX_EMAIL_FAILURES = 25;

export class SignInThrottledError extends TooManyRequestsError {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super("sign_in_throttled", `För många misslyckade inloggningar. Försök igen om ${minutes} minuter.`, {
      params: { minutes },
    });
  }
}

export interface SignInAttempt {
  email: string;
  /** The client's address as the entry saw it (see routes/client-address.ts). */
  client: string;
}

const pairKey = (a: SignInAttempt) => `pair:${a.client}|${a.email}`;
const clientKey = (a: SignInAttempt) => `client:${a.client}`;
const emailKey = (a: SignInAttempt) => `email:${a.email}`;

interface Count {
  failures: number;
  windowStartedAt: Date;
}

/**
 * Counts this attempt as a failure until it succeeds (forgetSignInFailures), and refuses it
 * when a limit is already reached. Called before the password is checked.
 */
export async function reserveSignInAttempt(db: DbOrTx, attempt: SignInAttempt, now: Date): Promise<void> {
  const pair = await countFailure(db, pairKey(attempt), now);
  if (pair.failures > MAX_FAILURES) refuseUntilWindowEnds(pair, now);
  const client = await countFailure(db, clientKey(attempt), now);
  if (client.failures > MAX_CLIENT_FAILURES) refuseUntilWindowEnds(client, now);
  if (pair.failures > 1) {
    const email = await readCount(db, emailKey(attempt), now);
    if (email && email.failures >= MAX_EMAIL_FAILURES) refuseUntilWindowEnds(email, now);
  }
}

/** The reserved attempt failed: it also counts against the email. */
export async function recordSignInFailure(db: DbOrTx, attempt: SignInAttempt, now: Date): Promise<void> {
  await countFailure(db, emailKey(attempt), now);
}

/**
 * The reserved attempt succeeded: this client's earlier typos for the email are forgiven and
 * the attempt does not count against the client. Expired counters go at the same time.
 */
export async function forgetSignInFailures(db: DbOrTx, attempt: SignInAttempt, now: Date): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.key, pairKey(attempt)));
  await db
    .update(signInThrottle)
    .set({ failures: sql`greatest(${signInThrottle.failures} - 1, 0)` })
    .where(eq(signInThrottle.key, clientKey(attempt)));
  await db.delete(signInThrottle).where(lt(signInThrottle.windowStartedAt, windowStartOf(now)));
}

function windowStartOf(now: Date): Date {
  return new Date(now.getTime() - THROTTLE_WINDOW_MS);
}

/** One statement: a new window starts at 1, a running one adds 1; returns the count after. */
async function countFailure(db: DbOrTx, key: string, now: Date): Promise<Count> {
  const expired = sql`${signInThrottle.windowStartedAt} <= ${windowStartOf(now).toISOString()}::timestamptz`;
  const [row] = await db
    .insert(signInThrottle)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: {
        failures: sql`case when ${expired} then 1 else ${signInThrottle.failures} + 1 end`,
        windowStartedAt: sql`case when ${expired} then ${now.toISOString()}::timestamptz else ${signInThrottle.windowStartedAt} end`,
      },
    })
    .returning({ failures: signInThrottle.failures, windowStartedAt: signInThrottle.windowStartedAt });
  return row;
}

async function readCount(db: DbOrTx, key: string, now: Date): Promise<Count | null> {
  const [row] = await db
    .select({ failures: signInThrottle.failures, windowStartedAt: signInThrottle.windowStartedAt })
    .from(signInThrottle)
    .where(eq(signInThrottle.key, key));
  return row && row.windowStartedAt > windowStartOf(now) ? row : null;
}

function refuseUntilWindowEnds(count: Count, now: Date): never {
  const retryAfterMs = count.windowStartedAt.getTime() + THROTTLE_WINDOW_MS - now.getTime();
  throw new SignInThrottledError(Math.max(1, Math.ceil(retryAfterMs / 1000)));
}
