// From the identity provider's claims to a Kriskanal role: the values of one claim (Entra ID
// app roles in "roles", or group object ids in "groups") looked up in KRISKANAL_OIDC_ROLE_MAP.
import { isNull } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { departments, ROLES, type Role } from "../../db/schema";
import type { OidcConfig } from "./oidc-config";

export interface MappedRole {
  role: Role;
  /** For an editor: the departments whose accounts they edit; empty otherwise. */
  departmentIds: string[];
  /** Department names or ids in the map that match no active department (left out, and logged). */
  unknownDepartments: string[];
}

/** A claim may be one string or a list; anything else carries no roles. */
export function claimValues(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/**
 * Several matching values give the strongest role, in the order of ROLES (admin first); an
 * editor's departments are the union of every matching editor entry. An editor without a
 * known department has no role: an editor must edit some department's accounts.
 */
export async function mapClaimsToRole(
  db: DbOrTx,
  oidc: Pick<OidcConfig, "roleClaim" | "roleMap">,
  claims: Record<string, unknown>,
): Promise<MappedRole | null> {
  const grants = claimValues(claims, oidc.roleClaim)
    .filter((v) => Object.hasOwn(oidc.roleMap, v))
    .map((v) => oidc.roleMap[v]);
  const role = ROLES.find((r) => grants.some((g) => g.role === r));
  if (!role) return null;
  if (role !== "editor") return { role, departmentIds: [], unknownDepartments: [] };
  const wanted = [...new Set(grants.filter((g) => g.role === "editor").flatMap((g) => g.departments))];
  const active = await db
    .select({ id: departments.id, name: departments.name })
    .from(departments)
    .where(isNull(departments.retiredAt));
  const departmentIds: string[] = [];
  const unknownDepartments: string[] = [];
  for (const entry of wanted) {
    const found = active.find((d) => d.id === entry || d.name.toLowerCase() === entry.toLowerCase());
    if (found) departmentIds.push(found.id);
    else unknownDepartments.push(entry);
  }
  if (!departmentIds.length) return null;
  return { role, departmentIds: [...new Set(departmentIds)], unknownDepartments };
}
