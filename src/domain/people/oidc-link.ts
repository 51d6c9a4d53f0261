// Linking a person who already exists (a password account) to the identity provider. The first
// sign-in through the provider finds people by (issuer, subject) only, and refuses an email that
// belongs to someone else (oidc_email_taken). An admin who knows the two are the same person says
// so here; the next sign-in with that email through this issuer then links instead of refusing.
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { people } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, ForbiddenError } from "../../errors";
import { recordAudit } from "../records/audit";
import { requireCan } from "./access";
import type { Actor } from "./actor";
import { type Person, requirePerson, toPersonView } from "./people";

/** A link nobody used in this time lapses: an old mark should not wait for any later sign-in. */
export const OIDC_LINK_DAYS = 14;

export const OidcLinkInput = z.object({ link: z.boolean() });

/**
 * Marks (link: true) or unmarks (link: false) a person to be linked at their next sign-in through
 * the configured identity provider. Admins only; audited as person.oidc_link_requested/cancelled.
 */
export async function setOidcLink(
  deps: Pick<Deps, "db" | "now" | "config">,
  actor: Actor,
  personId: string,
  raw: unknown,
): Promise<Person> {
  requireCan(actor, "people.manage");
  const { link } = OidcLinkInput.parse(raw);
  const oidc = deps.config.oidc;
  if (!oidc) throw new ConflictError("oidc_not_configured", "No identity provider is configured.");
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const before = await requirePerson(tx, personId);
    if (before.oidcSubject) {
      throw new ConflictError("person_already_linked", "This person already signs in with the identity provider.");
    }
    if (link && before.disabledAt) throw new ForbiddenError("person_disabled", "This person is disabled.");
    const until = link ? new Date(now.getTime() + OIDC_LINK_DAYS * 86_400_000) : null;
    const [after] = await tx
      .update(people)
      .set({ oidcLinkIssuer: link ? oidc.issuer : null, oidcLinkUntil: until, updatedAt: now })
      .where(eq(people.id, personId))
      .returning();
    await recordAudit(tx, actor, now, {
      action: link ? "person.oidc_link_requested" : "person.oidc_link_cancelled",
      entityType: "person",
      entityId: personId,
      before: { ...toPersonView(before), oidcLinkIssuer: before.oidcLinkIssuer, oidcLinkUntil: before.oidcLinkUntil },
      after: { ...toPersonView(after), oidcLinkIssuer: after.oidcLinkIssuer, oidcLinkUntil: after.oidcLinkUntil },
    });
    return after;
  });
}

/** Whether the person waits to be linked through this issuer now. */
export function awaitsOidcLink(person: Person, issuer: string, now: Date): boolean {
  return (
    !person.oidcSubject &&
    person.oidcLinkIssuer === issuer &&
    person.oidcLinkUntil !== null &&
    person.oidcLinkUntil > now
  );
}

/** The person with this email marked to be linked through this issuer, if the mark still holds. */
export async function findOidcLinkCandidate(
  db: DbOrTx,
  issuer: string,
  email: string,
  now: Date,
): Promise<Person | undefined> {
  const [row] = await db
    .select()
    .from(people)
    .where(
      and(
        eq(sql`lower(${people.email})`, email.toLowerCase()),
        eq(people.oidcLinkIssuer, issuer),
        gt(people.oidcLinkUntil, now),
        isNull(people.oidcSubject),
      ),
    );
  return row;
}

/** Links the person to (issuer, subject) and clears the mark; the caller audits it with the sign-in. */
export async function linkPersonToOidc(
  tx: DbOrTx,
  person: Person,
  issuer: string,
  subject: string,
  now: Date,
): Promise<Person | undefined> {
  // Only while still unlinked: a sign-in that got there first wins, this one is refused.
  const [after] = await tx
    .update(people)
    .set({ oidcIssuer: issuer, oidcSubject: subject, oidcLinkIssuer: null, oidcLinkUntil: null, updatedAt: now })
    .where(and(eq(people.id, person.id), isNull(people.oidcSubject)))
    .returning();
  return after;
}
