// The single organisation row: name, settings, the kill switch and the public revision.
import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { organisations } from "../../db/schema";

export async function ensureOrganisation(db: DbOrTx, name: string, now: Date) {
  const [existing] = await db.select().from(organisations).limit(1);
  if (existing) return existing;
  const [created] = await db.insert(organisations).values({ name, createdAt: now }).returning();
  return created;
}

export async function getOrganisation(db: DbOrTx) {
  const [org] = await db.select().from(organisations).limit(1);
  if (!org) throw new Error("The organisation is missing: the hub was not bootstrapped.");
  return org;
}

/** Every change the public can see bumps this; public ETags and the render cache key off it. */
export async function bumpPublicRevision(tx: DbOrTx): Promise<void> {
  await tx.update(organisations).set({ publicRevision: sql`${organisations.publicRevision} + 1` });
}

export async function readPublicRevision(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ r: organisations.publicRevision }).from(organisations).limit(1);
  return row?.r ?? 0;
}

export async function setOrganisationFlags(
  tx: DbOrTx,
  id: string,
  flags: { requireApproval?: boolean; deliveriesPausedAt?: Date | null },
) {
  const [org] = await tx.update(organisations).set(flags).where(eq(organisations.id, id)).returning();
  return org;
}
