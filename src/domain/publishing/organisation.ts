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

export interface GuidanceLine {
  text: string;
  url?: string;
}

/** What every public page tells the public when nothing else has been said (MISSION R13). */
export const DEFAULT_GUIDANCE: readonly GuidanceLine[] = [
  { text: "Ring 112 vid nödläge", url: "tel:112" },
  { text: "Ring 113 13 för information om olyckor och kriser", url: "tel:11313" },
  { text: "krisinformation.se", url: "https://www.krisinformation.se/" },
];

export interface OrganisationProfile {
  name: string;
  shortName: string;
  primaryColour: string;
  textColour: string;
  logo: { type: "image/svg+xml" | "image/png"; bytes: Uint8Array; updatedAt: Date | null } | null;
  contactLines: string[];
  guidance: GuidanceLine[];
  /** Bumped with every public change; logo URLs carry it so caches refetch a new logo. */
  publicRevision: number;
}

/** The graphic profile, with defaults filled in: what pages, feeds and crisis cards show. */
export async function getOrganisationProfile(db: DbOrTx): Promise<OrganisationProfile> {
  const org = await getOrganisation(db);
  return {
    name: org.name,
    shortName: org.shortName ?? org.name,
    primaryColour: org.primaryColour,
    textColour: org.textColour,
    logo:
      org.logoType && org.logoBytes ? { type: org.logoType, bytes: org.logoBytes, updatedAt: org.logoUpdatedAt } : null,
    contactLines: org.contactLines,
    guidance: org.guidance ?? [...DEFAULT_GUIDANCE],
    publicRevision: org.publicRevision,
  };
}
