// Staff sessions behind the sign-in cookie. The cookie value is random and stored only as its
// SHA-256; each session carries its own CSRF token for the forms it renders.
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { departments, people, sessions } from "../../db/schema";
import { randomToken, safeEqual, sha256Hex } from "../accounts/secrets";
import type { Actor } from "./actor";
import { toActor } from "./people";

/** A crisis shift, with margin; after that the person signs in again. */
export const SESSION_HOURS = 12;

export type Session = typeof sessions.$inferSelect;

export interface OpenedSession {
  id: string;
  /** The cookie value: shown to the browser once, never stored. */
  cookie: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(
  tx: DbOrTx,
  personId: string,
  now: Date,
  options: { hours?: number; signedInWith?: Session["signedInWith"] } = {},
): Promise<OpenedSession> {
  const cookie = randomToken("kks");
  const csrfToken = randomToken("csrf", 24);
  const expiresAt = new Date(now.getTime() + (options.hours ?? SESSION_HOURS) * 3_600_000);
  const signedInWith = options.signedInWith ?? "password";
  const [row] = await tx
    .insert(sessions)
    .values({ tokenHash: await sha256Hex(cookie), personId, csrfToken, signedInWith, createdAt: now, expiresAt })
    .returning({ id: sessions.id });
  return { id: row.id, cookie, csrfToken, expiresAt };
}

export interface ResolvedSession {
  session: Session;
  actor: Actor;
}

/** The signed-in person, or null when the cookie is unknown, expired, revoked or the person disabled. */
export async function resolveSession(db: DbOrTx, cookie: string, now: Date): Promise<ResolvedSession | null> {
  if (!cookie || cookie.length > 200) return null;
  const [row] = await db
    .select({ session: sessions, person: people, departmentName: departments.name })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .leftJoin(departments, eq(departments.id, people.departmentId))
    .where(
      and(eq(sessions.tokenHash, await sha256Hex(cookie)), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)),
    );
  if (!row || row.person.disabledAt) return null;
  return { session: row.session, actor: toActor(row.person, row.departmentName, "session") };
}

export function csrfMatches(session: Pick<Session, "csrfToken">, sent: string | undefined | null): boolean {
  return typeof sent === "string" && sent.length > 0 && safeEqual(session.csrfToken, sent);
}

export async function revokeSession(tx: DbOrTx, id: string, now: Date): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/** Ends every open session of a person, except (optionally) the one in use. */
export async function revokeSessionsOf(tx: DbOrTx, personId: string, now: Date, exceptId?: string): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.personId, personId),
        isNull(sessions.revokedAt),
        exceptId ? ne(sessions.id, exceptId) : undefined,
      ),
    );
}
