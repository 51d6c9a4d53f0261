// Sign-in through the identity provider: the verified ID token's claims find (or create) the
// person by (issuer, subject), never by email alone (an admin may mark an existing person to be
// linked by email at their next sign-in, oidc-link.ts); each sign-in brings name, email and role up to
// date from the claims (unless an admin pinned the role), and a refusal is audited.
import { and, eq, ne, sql } from "drizzle-orm";
import { people } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, ForbiddenError, UnauthorizedError } from "../../errors";
import { recordAudit } from "../records/audit";
import { type Actor, SYSTEM_ACTOR } from "./actor";
import { completeOidcSignIn, type OidcFailure, type OidcFlow, OidcFlowError, requireOidcConfig } from "./oidc-client";
import { findOidcLinkCandidate, linkPersonToOidc } from "./oidc-link";
import { mapClaimsToRole } from "./oidc-roles";
import { loadActor, type Person, toPersonView } from "./people";
import { createSession, type OpenedSession, revokeSessionsOf } from "./sessions";
import { revokeTokensOf } from "./tokens";

type SignInDeps = Pick<Deps, "db" | "now" | "config" | "fetch" | "log">;

/**
 * Completes the callback: verifies the tokens (oidc-client.ts), then provisions the person and
 * opens a session in one transaction. Every refusal writes an audit row and nothing else.
 */
export async function signInWithOidc(
  deps: SignInDeps,
  flow: OidcFlow | null,
  callbackUrl: URL,
): Promise<{ actor: Actor; session: OpenedSession; next: string }> {
  let verified: Awaited<ReturnType<typeof completeOidcSignIn>>;
  try {
    verified = await completeOidcSignIn(deps, flow, callbackUrl);
  } catch (error) {
    if (!(error instanceof OidcFlowError)) throw error;
    await auditRefusal(deps, error.reason, { detail: error.message.slice(0, 500) });
    throw refusedError(error.reason);
  }
  const { claims, issuer } = verified;
  const profile = profileOf(claims);
  if (!profile) {
    await auditRefusal(deps, "claims_missing", { subject: claims.sub });
    throw refusedError("claims_missing");
  }
  const oidc = requireOidcConfig(deps);
  const now = deps.now();
  const mapped = await mapClaimsToRole(deps.db, oidc, claims);
  if (mapped?.unknownDepartments.length) {
    deps.log.warn("KRISKANAL_OIDC_ROLE_MAP names departments that do not exist", {
      departments: mapped.unknownDepartments.join(", "),
    });
  }
  const [bySubject] = await deps.db
    .select()
    .from(people)
    .where(and(eq(people.oidcIssuer, issuer), eq(people.oidcSubject, claims.sub)));
  // Not known by subject: a person an admin marked to be linked (oidc-link.ts) is this one.
  const linking = bySubject ? undefined : await findOidcLinkCandidate(deps.db, oidc.issuer, profile.email, now);
  const existing = bySubject ?? linking;

  if (existing?.disabledAt) {
    await auditRefusal(deps, "person_disabled", { subject: claims.sub, personId: existing.id });
    throw new ForbiddenError("person_disabled", "This person is disabled.");
  }
  if (!mapped && !existing?.rolePinned) {
    // A role taken away at the provider ends what the person still holds here at once.
    await deps.db.transaction(async (tx) => {
      if (bySubject) {
        await revokeSessionsOf(tx, bySubject.id, now);
        await revokeTokensOf(tx, bySubject.id, now);
      }
      await recordAudit(tx, refusalActor(claims.sub), now, {
        action: "session.oidc_refused",
        entityType: "person",
        entityId: existing?.id ?? null,
        after: { reason: "no_role", issuer, subject: claims.sub, claim: oidc.roleClaim },
      });
    });
    throw new ForbiddenError("oidc_no_role", "The identity provider's claims map to no role in Kriskanal.");
  }

  const result = await deps.db.transaction(async (tx) => {
    const emailOwner = await emailOwnerOf(tx, profile.email, existing?.id);
    let person: Person;
    if (!existing) {
      if (emailOwner) return { refused: "email_taken" as const };
      // The role check above already refused a newcomer without a role.
      const role = mapped;
      if (!role) throw new Error("A person without a role got past the role check.");
      [person] = await tx
        .insert(people)
        .values({
          name: profile.name,
          email: profile.email,
          role: role.role,
          departmentId: role.departmentIds[0] ?? null,
          departmentIds: role.departmentIds,
          oidcIssuer: issuer,
          oidcSubject: claims.sub,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordAudit(tx, actorFor(person), now, {
        action: "person.created",
        entityType: "person",
        entityId: person.id,
        after: { ...toPersonView(person), source: "oidc" },
      });
    } else {
      let current = existing;
      if (linking) {
        const linked = await linkPersonToOidc(tx, linking, issuer, claims.sub, now);
        if (!linked) return { refused: "email_taken" as const };
        await recordAudit(tx, actorFor(linked), now, {
          action: "person.oidc_linked",
          entityType: "person",
          entityId: linked.id,
          before: toPersonView(linking),
          after: { ...toPersonView(linked), source: "oidc" },
        });
        current = linked;
      }
      person = await refreshFromClaims(tx, current, profile, emailOwner ? null : profile.email, mapped, now);
    }
    const session = await createSession(tx, person.id, now, { hours: oidc.sessionHours, signedInWith: "oidc" });
    const actor = await loadActor(tx, person.id, "session");
    // People are never hard-deleted, so the row written above is still there.
    if (!actor) throw new Error(`Person ${person.id} vanished while signing in.`);
    await recordAudit(tx, actor, now, {
      action: "session.signed_in",
      entityType: "person",
      entityId: person.id,
      after: { sessionId: session.id, expiresAt: session.expiresAt, signedInWith: "oidc", issuer },
    });
    return { actor, session };
  });
  if ("refused" in result) {
    await auditRefusal(deps, "email_taken", { subject: claims.sub });
    throw new ConflictError("oidc_email_taken", "Another person already has this email address.");
  }
  return { ...result, next: verified.next };
}

/** Name, email and (unless pinned) role and departments as the provider says now; audited when changed. */
async function refreshFromClaims(
  tx: Parameters<Parameters<Deps["db"]["transaction"]>[0]>[0],
  before: Person,
  profile: { name: string; email: string },
  email: string | null,
  mapped: Awaited<ReturnType<typeof mapClaimsToRole>>,
  now: Date,
): Promise<Person> {
  const changes: Partial<Person> = {};
  if (profile.name !== before.name) changes.name = profile.name;
  if (email && email !== before.email) changes.email = email;
  if (mapped && !before.rolePinned) {
    if (mapped.role !== before.role) changes.role = mapped.role;
    const departmentIds = mapped.departmentIds;
    if (JSON.stringify(departmentIds) !== JSON.stringify(before.departmentIds)) changes.departmentIds = departmentIds;
    if (mapped.role === "editor" && !departmentIds.includes(before.departmentId ?? "")) {
      changes.departmentId = departmentIds[0];
    }
  }
  if (!Object.keys(changes).length) return before;
  const [after] = await tx
    .update(people)
    .set({ ...changes, updatedAt: now })
    .where(eq(people.id, before.id))
    .returning();
  await recordAudit(tx, actorFor(before), now, {
    action: "person.updated",
    entityType: "person",
    entityId: before.id,
    before: toPersonView(before),
    after: { ...toPersonView(after), source: "oidc" },
  });
  return after;
}

function profileOf(claims: Record<string, unknown>): { name: string; email: string } | null {
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().slice(0, 200) : undefined);
  const looksLikeEmail = (v: string | undefined) => (v && /^[^\s@]+@[^\s@]+$/.test(v) ? v.toLowerCase() : undefined);
  // Entra ID often leaves "email" out and sends the sign-in name (an address) as preferred_username.
  const email = looksLikeEmail(text(claims.email)) ?? looksLikeEmail(text(claims.preferred_username));
  const name =
    text(claims.name) ??
    ([text(claims.given_name), text(claims.family_name)].filter(Boolean).join(" ") || undefined) ??
    email;
  return email && name ? { name, email: email.slice(0, 320) } : null;
}

async function emailOwnerOf(
  tx: Parameters<Parameters<Deps["db"]["transaction"]>[0]>[0],
  email: string,
  exceptId?: string,
): Promise<string | null> {
  const [row] = await tx
    .select({ id: people.id })
    .from(people)
    .where(and(eq(sql`lower(${people.email})`, email), exceptId ? ne(people.id, exceptId) : undefined));
  return row?.id ?? null;
}

function actorFor(person: Person): Actor {
  return {
    id: person.id,
    name: person.name,
    role: person.role,
    departmentIds: person.departmentIds,
    via: "session",
    ...(person.oidcSubject ? { subject: person.oidcSubject } : {}),
  };
}

function refusalActor(subject?: string): Actor {
  return { ...SYSTEM_ACTOR, ...(subject ? { subject } : {}) };
}

type Refusal = OidcFailure | "claims_missing" | "person_disabled" | "email_taken";

async function auditRefusal(deps: SignInDeps, reason: Refusal, detail: Record<string, unknown>): Promise<void> {
  const subject = typeof detail.subject === "string" ? detail.subject : undefined;
  await recordAudit(deps.db, refusalActor(subject), deps.now(), {
    action: "session.oidc_refused",
    entityType: "person",
    entityId: typeof detail.personId === "string" ? detail.personId : null,
    after: { reason, ...detail },
  });
}

function refusedError(reason: Refusal): UnauthorizedError {
  return new UnauthorizedError("oidc_sign_in_failed", `Sign-in with the identity provider was refused: ${reason}.`, {
    params: { reason },
  });
}
