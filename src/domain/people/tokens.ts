// API bearer tokens: shown once, stored as SHA-256 digests, scoped, revocable.
import { and, desc, eq, isNull, lt, ne, or } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "../../db/client";
import { apiTokens, departments, people } from "../../db/schema";
import type { Deps } from "../../deps";
import { ForbiddenError, NotFoundError } from "../../errors";
import { randomToken, sha256Hex } from "../accounts/secrets";
import { recordAudit } from "../records/audit";
import { mayManagePerson, scopesCover, TOKEN_SCOPES } from "./access";
import type { Actor } from "./actor";
import { requirePerson, toActor } from "./people";

export const BOOTSTRAP_ADMIN_EMAIL = "admin@kriskanal.invalid";

/** lastUsedAt is a hint for spotting forgotten tokens, not a log: written at most this often. */
const LAST_USED_RESOLUTION_MS = 5 * 60_000;

export type ApiToken = typeof apiTokens.$inferSelect;

export async function issueToken(tx: DbOrTx, personId: string, name: string, now: Date, scopes: string[] = []) {
  const token = randomToken("kk");
  const [row] = await tx
    .insert(apiTokens)
    .values({ personId, name, tokenHash: await sha256Hex(token), scopes, createdAt: now })
    .returning({ id: apiTokens.id, name: apiTokens.name, scopes: apiTokens.scopes, createdAt: apiTokens.createdAt });
  return { ...row, token };
}

export const IssueTokenInput = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(TOKEN_SCOPES.length).default(["all"]),
});

/** Admins issue tokens for anyone; a person for themselves. The token is returned only here. */
export async function issuePersonToken(deps: Pick<Deps, "db" | "now">, actor: Actor, personId: string, raw: unknown) {
  const input = IssueTokenInput.parse(raw);
  if (!mayManagePerson(actor, personId))
    throw new ForbiddenError("tokens_of_others", "Only admins issue tokens for other people.");
  // A token may not carry more than the token that creates it.
  if (!scopesCover(actor.scopes, input.scopes)) {
    throw new ForbiddenError("token_scopes_too_wide", "A token cannot issue a token with wider scopes than its own.");
  }
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const person = await requirePerson(tx, personId);
    if (person.disabledAt) throw new ForbiddenError("person_disabled", "The person is disabled.");
    const issued = await issueToken(tx, personId, input.name, now, [...new Set(input.scopes)]);
    await recordAudit(tx, actor, now, {
      action: "token.issued",
      entityType: "api_token",
      entityId: issued.id,
      after: { personId, name: issued.name, scopes: issued.scopes },
    });
    return issued;
  });
}

export function toTokenView(t: ApiToken) {
  return {
    id: t.id,
    personId: t.personId,
    name: t.name,
    scopes: t.scopes.length ? t.scopes : ["all"],
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}

export async function listTokensOf(db: DbOrTx, actor: Actor, personId: string) {
  if (!mayManagePerson(actor, personId))
    throw new ForbiddenError("tokens_of_others", "Only admins see other people's tokens.");
  await requirePerson(db, personId);
  return db.select().from(apiTokens).where(eq(apiTokens.personId, personId)).orderBy(desc(apiTokens.createdAt));
}

/** Revoking is idempotent; the row stays as the record that the token existed. */
export async function revokeToken(deps: Pick<Deps, "db" | "now">, actor: Actor, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("token");
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const [before] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id));
    if (!before) throw new NotFoundError("token");
    if (!mayManagePerson(actor, before.personId))
      throw new ForbiddenError("tokens_of_others", "Only admins revoke other people's tokens.");
    if (before.revokedAt) return before;
    const [after] = await tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).returning();
    await recordAudit(tx, actor, now, {
      action: "token.revoked",
      entityType: "api_token",
      entityId: id,
      before: toTokenView(before),
      after: toTokenView(after),
    });
    return after;
  });
}

/**
 * Ends every API token of a person, except (optionally) the one in use: a reset password or a
 * disabled person must not leave a token behind that still works (or works again on re-enabling).
 */
export async function revokeTokensOf(tx: DbOrTx, personId: string, now: Date, exceptId?: string): Promise<number> {
  const revoked = await tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(apiTokens.personId, personId),
        isNull(apiTokens.revokedAt),
        exceptId ? ne(apiTokens.id, exceptId) : undefined,
      ),
    )
    .returning({ id: apiTokens.id });
  return revoked.length;
}

/** Resolves a bearer token to its person, or null when unknown, revoked or the person is disabled. */
export async function authenticateToken(db: Db, token: string, now?: Date): Promise<Actor | null> {
  if (!token || token.length > 200) return null;
  const hash = await sha256Hex(token);
  const [row] = await db
    .select({ token: apiTokens, person: people, departmentName: departments.name })
    .from(apiTokens)
    .innerJoin(people, eq(people.id, apiTokens.personId))
    .leftJoin(departments, eq(departments.id, people.departmentId))
    .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)));
  if (!row || row.person.disabledAt) return null;
  if (now) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(
          eq(apiTokens.id, row.token.id),
          or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - LAST_USED_RESOLUTION_MS))),
        ),
      );
  }
  return {
    ...toActor(row.person, row.departmentName, "token"),
    tokenId: row.token.id,
    ...(row.token.scopes.length ? { scopes: row.token.scopes } : {}),
  };
}

/**
 * The first admin. With a configured bootstrap token that value becomes a valid admin token
 * (created if missing); otherwise a one-time token is minted on the very first start only.
 */
export async function ensureBootstrapAdmin(
  db: Db,
  now: Date,
  bootstrapToken?: string,
): Promise<{ printedToken?: string }> {
  return db.transaction(async (tx) => {
    let [admin] = await tx.select().from(people).where(eq(people.email, BOOTSTRAP_ADMIN_EMAIL));
    const firstStart = !admin;
    if (!admin) {
      [admin] = await tx
        .insert(people)
        .values({
          name: "Systemadministratör",
          email: BOOTSTRAP_ADMIN_EMAIL,
          title: "Administratör",
          role: "admin",
          createdAt: now,
          updatedAt: now,
        })
        .returning();
    }
    if (bootstrapToken) {
      const hash = await sha256Hex(bootstrapToken);
      const [existing] = await tx.select().from(apiTokens).where(eq(apiTokens.tokenHash, hash));
      if (!existing) {
        await tx.insert(apiTokens).values({ personId: admin.id, name: "bootstrap", tokenHash: hash, createdAt: now });
      }
      return {};
    }
    if (!firstStart) return {};
    const issued = await issueToken(tx, admin.id, "first start", now);
    return { printedToken: issued.token };
  });
}
