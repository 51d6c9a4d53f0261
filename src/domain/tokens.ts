// API bearer tokens: shown once, stored as SHA-256 digests, revocable.
import { and, eq, isNull } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/client";
import { apiTokens, departments, people } from "../db/schema";
import type { Actor } from "./actor";
import { randomToken, sha256Hex } from "./secrets";

export const BOOTSTRAP_ADMIN_EMAIL = "admin@kriskanal.invalid";

export async function issueToken(tx: DbOrTx, personId: string, name: string, now: Date, scopes: string[] = []) {
  const token = randomToken("kk");
  const [row] = await tx
    .insert(apiTokens)
    .values({ personId, name, tokenHash: await sha256Hex(token), scopes, createdAt: now })
    .returning({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt });
  return { ...row, token };
}

/** Resolves a bearer token to its person, or null when unknown, revoked or the person is disabled. */
export async function authenticateToken(db: Db, token: string): Promise<Actor | null> {
  if (!token || token.length > 200) return null;
  const hash = await sha256Hex(token);
  const [row] = await db
    .select({ token: apiTokens, person: people, departmentName: departments.name })
    .from(apiTokens)
    .innerJoin(people, eq(people.id, apiTokens.personId))
    .leftJoin(departments, eq(departments.id, people.departmentId))
    .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)));
  if (!row || row.person.disabledAt) return null;
  return {
    id: row.person.id,
    name: row.person.name,
    role: row.person.role,
    title: row.person.title,
    departmentName: row.departmentName,
    departmentIds: row.person.departmentIds,
    via: "token",
    tokenId: row.token.id,
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
