// Settings for sign-in with the municipality's identity provider (OpenID Connect), read from
// the environment with the rest of the configuration (config.ts).
import { z } from "zod";
import { ROLES, type Role } from "../../db/schema";

export const OidcEnvSchema = z.object({
  KRISKANAL_OIDC_ISSUER: z.string().optional(),
  KRISKANAL_OIDC_CLIENT_ID: z.string().optional(),
  KRISKANAL_OIDC_CLIENT_SECRET: z.string().optional(),
  KRISKANAL_OIDC_NAME: z.string().optional(),
  KRISKANAL_OIDC_ROLE_CLAIM: z.string().optional(),
  KRISKANAL_OIDC_ROLE_MAP: z.string().optional(),
  KRISKANAL_OIDC_SESSION_HOURS: z.string().optional(),
});

/** One claim value's grant: a role and, for editors, the departments (ids or names) they edit. */
const RoleGrant = z.strictObject({
  role: z.enum(ROLES),
  departments: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
});
export type RoleGrant = { role: Role; departments: string[] };

const RoleMap = z.record(z.string().min(1).max(500), RoleGrant);

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** The button says "Logga in med <name>". */
  name: string;
  /** The ID token claim whose values are looked up in roleMap (Entra ID: "roles" or "groups"). */
  roleClaim: string;
  roleMap: Record<string, RoleGrant>;
  /** Sessions from the identity provider end sooner, so a role taken away there ends here too. */
  sessionHours: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** An http: issuer only on the same machine (tests, a local provider); anything else https. */
export function issuerProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return "must be a URL";
  }
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return null;
  return "must be https (http only on a loopback host)";
}

export function isLoopbackIssuer(issuer: string): boolean {
  return new URL(issuer).protocol === "http:";
}

/** Undefined when no issuer is set; throws naming every wrong setting otherwise. */
export function parseOidcConfig(e: z.infer<typeof OidcEnvSchema>): OidcConfig | undefined {
  if (!e.KRISKANAL_OIDC_ISSUER) return undefined;
  const problems: string[] = [];
  const issuerWrong = issuerProblem(e.KRISKANAL_OIDC_ISSUER);
  if (issuerWrong) problems.push(`KRISKANAL_OIDC_ISSUER: ${issuerWrong}`);
  const clientId = e.KRISKANAL_OIDC_CLIENT_ID;
  if (!clientId) problems.push("KRISKANAL_OIDC_CLIENT_ID: required with KRISKANAL_OIDC_ISSUER");
  let roleMap: Record<string, RoleGrant> = {};
  try {
    const parsed = RoleMap.safeParse(JSON.parse(e.KRISKANAL_OIDC_ROLE_MAP ?? "{}"));
    if (parsed.success) roleMap = parsed.data;
    else
      problems.push(
        ...parsed.error.issues.map((i) => `KRISKANAL_OIDC_ROLE_MAP: ${i.path.join(".") || "(map)"}: ${i.message}`),
      );
  } catch {
    problems.push("KRISKANAL_OIDC_ROLE_MAP: not JSON");
  }
  const hours = Number(e.KRISKANAL_OIDC_SESSION_HOURS ?? "8");
  if (!Number.isFinite(hours) || hours <= 0 || hours > 12)
    problems.push("KRISKANAL_OIDC_SESSION_HOURS: a number of hours above 0 and at most 12");
  if (problems.length || !clientId) throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  return {
    issuer: e.KRISKANAL_OIDC_ISSUER,
    clientId,
    clientSecret: e.KRISKANAL_OIDC_CLIENT_SECRET || undefined,
    name: e.KRISKANAL_OIDC_NAME?.trim() || "kommunens konto",
    roleClaim: e.KRISKANAL_OIDC_ROLE_CLAIM?.trim() || "roles",
    roleMap,
    sessionHours: hours,
  };
}
