// Staff sign-in with email and password, throttled per email using sign_in_attempts, and the
// password change of a signed-in person.
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../db/client";
import { people, signInAttempts } from "../db/schema";
import type { Deps } from "../deps";
import { InvalidInputError, TooManyRequestsError, UnauthorizedError } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { hashPassword, NewPassword, needsRehash, verifyPassword } from "./passwords";
import { loadActor } from "./people";
import { createSession, type OpenedSession, revokeSessionsOf } from "./sessions";

/** After this many failures for one email within the window, sign-in is refused until it passes. */
export const MAX_FAILURES = 5;
export const THROTTLE_WINDOW_MS = 15 * 60_000;

export const SignInInput = z.object({
  email: z.string().trim().toLowerCase().min(1, "Fyll i din e-postadress.").max(320),
  password: z.string().min(1, "Fyll i ditt lösenord.").max(256),
});

export class SignInThrottledError extends TooManyRequestsError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      "sign_in_throttled",
      `För många misslyckade inloggningar. Försök igen om ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minuter.`,
      { params: { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) } },
    );
  }
}

/** The same words whether the email is unknown or the password wrong: no guessing who exists. */
export const WRONG_CREDENTIALS = "Fel e-postadress eller lösenord.";

export async function signIn(
  deps: Pick<Deps, "db" | "now">,
  raw: unknown,
): Promise<{ actor: Actor; session: OpenedSession }> {
  const input = SignInInput.parse(raw);
  const now = deps.now();
  await refuseWhileThrottled(deps.db, input.email, now);
  const [person] = await deps.db
    .select()
    .from(people)
    .where(eq(sql`lower(${people.email})`, input.email));
  const ok = (await verifyPassword(input.password, person?.passwordHash ?? null)) && !person?.disabledAt;
  if (!ok || !person) {
    await deps.db.insert(signInAttempts).values({ email: input.email, succeeded: false, at: now });
    throw new UnauthorizedError("wrong_credentials", WRONG_CREDENTIALS);
  }
  const rehash = person.passwordHash && needsRehash(person.passwordHash) ? await hashPassword(input.password) : null;
  return deps.db.transaction(async (tx) => {
    await tx.insert(signInAttempts).values({ email: input.email, succeeded: true, at: now });
    if (rehash) await tx.update(people).set({ passwordHash: rehash }).where(eq(people.id, person.id));
    const session = await createSession(tx, person.id, now);
    const actor = (await loadActor(tx, person.id, "session"))!;
    await recordAudit(tx, actor, now, {
      action: "session.signed_in",
      entityType: "person",
      entityId: person.id,
      after: { sessionId: session.id, expiresAt: session.expiresAt },
    });
    return { actor, session };
  });
}

/**
 * Failures count from the later of the window start and the last successful sign-in, so a
 * person who got in is not locked out by their own earlier typos.
 */
async function refuseWhileThrottled(db: DbOrTx, email: string, now: Date) {
  const windowStart = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const [lastSuccess] = await db
    .select({ at: signInAttempts.at })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), eq(signInAttempts.succeeded, true), gt(signInAttempts.at, windowStart)))
    .orderBy(desc(signInAttempts.at))
    .limit(1);
  const since = lastSuccess ? lastSuccess.at : windowStart;
  const failures = await db
    .select({ at: signInAttempts.at })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.email, email), eq(signInAttempts.succeeded, false), gt(signInAttempts.at, since)))
    .orderBy(desc(signInAttempts.at))
    .limit(MAX_FAILURES);
  if (failures.length < MAX_FAILURES) return;
  // Open again when the oldest of the last MAX_FAILURES failures leaves the window.
  const oldest = failures[failures.length - 1].at;
  const retryAfterMs = oldest.getTime() + THROTTLE_WINDOW_MS - now.getTime();
  throw new SignInThrottledError(Math.ceil(retryAfterMs / 1000));
}

export const ChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Fyll i ditt nuvarande lösenord.").max(256),
    newPassword: NewPassword,
    confirmPassword: z.string().max(256).optional(),
  })
  .refine((v) => v.confirmPassword === undefined || v.confirmPassword === v.newPassword, {
    path: ["confirmPassword"],
    message: "Lösenorden är inte lika.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Välj ett annat lösenord än det nuvarande.",
  });

/**
 * A wrong current password counts as a failed sign-in, so a stolen session cannot be used to
 * guess the password. Every other session of the person ends; the one in use stays.
 */
export async function changePassword(
  deps: Pick<Deps, "db" | "now">,
  actor: Actor,
  currentSessionId: string | null,
  raw: unknown,
): Promise<void> {
  const input = ChangePasswordInput.parse(raw);
  const now = deps.now();
  const [person] = await deps.db.select().from(people).where(eq(people.id, actor.id));
  if (!person) throw new UnauthorizedError();
  const email = person.email.toLowerCase();
  await refuseWhileThrottled(deps.db, email, now);
  if (!(await verifyPassword(input.currentPassword, person.passwordHash))) {
    await deps.db.insert(signInAttempts).values({ email, succeeded: false, at: now });
    throw new InvalidInputError("current_password_wrong", "Det nuvarande lösenordet stämmer inte.", {
      fields: [
        { field: "currentPassword", code: "current_password_wrong", message: "Det nuvarande lösenordet stämmer inte." },
      ],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.transaction(async (tx) => {
    await tx.update(people).set({ passwordHash, updatedAt: now }).where(eq(people.id, person.id));
    await revokeSessionsOf(tx, person.id, now, currentSessionId ?? undefined);
    await recordAudit(tx, actor, now, {
      action: "person.password_changed",
      entityType: "person",
      entityId: person.id,
    });
  });
}
