// Staff sign-in with email and password, throttled per client address and email
// (sign-in-throttle.ts), and the password change of a signed-in person.
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { people, signInAttempts } from "../../db/schema";
import type { Deps } from "../../deps";
import { ForbiddenError, InvalidInputError, UnauthorizedError } from "../../errors";
import { recordAudit } from "../records/audit";
import type { Actor } from "./actor";
import { hashPassword, NewPassword, needsRehash, verifyPassword } from "./passwords";
import { loadActor } from "./people";
import { createSession, type OpenedSession, revokeSessionsOf } from "./sessions";
import { forgetSignInFailures, recordSignInFailure, reserveSignInAttempt } from "./sign-in-throttle";

export { MAX_FAILURES, SignInThrottledError, THROTTLE_WINDOW_MS } from "./sign-in-throttle";

export const SignInInput = z.object({
  email: z.string().trim().toLowerCase().min(1, "Fyll i din e-postadress.").max(320),
  password: z.string().min(1, "Fyll i ditt lösenord.").max(256),
});

/** The same words whether the email is unknown or the password wrong: no guessing who exists. */
export const WRONG_CREDENTIALS = "Fel e-postadress eller lösenord.";

/** With KRISKANAL_PASSWORD_SIGNIN=0 only the identity provider signs staff in (API tokens still work). */
export function refusePasswordsWhenOff(deps: Pick<Deps, "config">): void {
  if (!deps.config.passwordSignIn) {
    throw new ForbiddenError("password_sign_in_off", "Password sign-in is turned off; use the identity provider.");
  }
}

export async function signIn(
  deps: Pick<Deps, "db" | "now" | "config">,
  raw: unknown,
  client = "unknown",
): Promise<{ actor: Actor; session: OpenedSession }> {
  refusePasswordsWhenOff(deps);
  const input = SignInInput.parse(raw);
  const now = deps.now();
  const attempt = { email: input.email, client };
  await reserveSignInAttempt(deps.db, attempt, now);
  const [person] = await deps.db
    .select()
    .from(people)
    .where(eq(sql`lower(${people.email})`, input.email));
  const ok = (await verifyPassword(input.password, person?.passwordHash ?? null)) && !person?.disabledAt;
  if (!ok || !person) {
    await recordSignInFailure(deps.db, attempt, now);
    await deps.db.insert(signInAttempts).values({ email: input.email, succeeded: false, at: now });
    throw new UnauthorizedError("wrong_credentials", WRONG_CREDENTIALS);
  }
  const rehash = person.passwordHash && needsRehash(person.passwordHash) ? await hashPassword(input.password) : null;
  return deps.db.transaction(async (tx) => {
    await tx.insert(signInAttempts).values({ email: input.email, succeeded: true, at: now });
    await forgetSignInFailures(tx, attempt, now);
    if (rehash) await tx.update(people).set({ passwordHash: rehash }).where(eq(people.id, person.id));
    const session = await createSession(tx, person.id, now);
    const actor = await loadActor(tx, person.id, "session");
    // People are never hard-deleted, so the row read above is still there.
    if (!actor) throw new Error(`Person ${person.id} vanished while signing in.`);
    await recordAudit(tx, actor, now, {
      action: "session.signed_in",
      entityType: "person",
      entityId: person.id,
      after: { sessionId: session.id, expiresAt: session.expiresAt },
    });
    return { actor, session };
  });
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
  deps: Pick<Deps, "db" | "now" | "config">,
  actor: Actor,
  currentSessionId: string | null,
  raw: unknown,
  client = "unknown",
): Promise<void> {
  refusePasswordsWhenOff(deps);
  const input = ChangePasswordInput.parse(raw);
  const now = deps.now();
  const [person] = await deps.db.select().from(people).where(eq(people.id, actor.id));
  if (!person) throw new UnauthorizedError();
  const email = person.email.toLowerCase();
  const attempt = { email, client };
  await reserveSignInAttempt(deps.db, attempt, now);
  if (!(await verifyPassword(input.currentPassword, person.passwordHash))) {
    await recordSignInFailure(deps.db, attempt, now);
    await deps.db.insert(signInAttempts).values({ email, succeeded: false, at: now });
    throw new InvalidInputError("current_password_wrong", "Det nuvarande lösenordet stämmer inte.", {
      fields: [
        { field: "currentPassword", code: "current_password_wrong", message: "Det nuvarande lösenordet stämmer inte." },
      ],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.transaction(async (tx) => {
    await forgetSignInFailures(tx, attempt, now);
    await tx.update(people).set({ passwordHash, updatedAt: now }).where(eq(people.id, person.id));
    await revokeSessionsOf(tx, person.id, now, currentSessionId ?? undefined);
    await recordAudit(tx, actor, now, {
      action: "person.password_changed",
      entityType: "person",
      entityId: person.id,
    });
  });
}
