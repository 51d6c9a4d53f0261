// Browsers that asked the public site for notifications. What a browser hands over (the push
// service endpoint and its keys) is personal data: it is sealed at rest and found again only by
// a keyed hash, never shown, logged or exported. One subscription per endpoint: asking again
// (another incident, another language) replaces the choice. Unsubscribing removes the row.
// Not audited: these are the public's own choices, not staff actions, and an audit row per
// resident would hold what this file exists to keep out of sight.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { fromBase64Url } from "../../channels/web-push-crypto";
import { incidents, pushSubscriptions } from "../../db/schema";
import type { Deps } from "../../deps";
import { type FieldError, InvalidInputError } from "../../errors";
import { lookupHash } from "../accounts/lookup-hash";
import { sealJson } from "../accounts/secrets";
import { getOrganisation } from "./organisation";
import { isPrivateHost } from "./websub-callback";

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function decodesTo(bytes: number, first?: number) {
  return (text: string) => {
    if (!BASE64URL.test(text)) return false;
    try {
      const raw = fromBase64Url(text.replace(/=+$/, ""));
      return raw.length === bytes && (first === undefined || raw[0] === first);
    } catch {
      return false;
    }
  };
}

export const SubscribePushInput = z.object({
  endpoint: z.string({ message: "is required" }).min(1, "is required").max(2_000),
  keys: z.object(
    {
      p256dh: z
        .string({ message: "is required" })
        .max(200)
        .refine(decodesTo(65, 4), "must be an uncompressed P-256 public key, base64url"),
      auth: z.string({ message: "is required" }).max(100).refine(decodesTo(16), "must be 16 bytes, base64url"),
    },
    { message: "is required" },
  ),
  /** "all", or the id of one incident. */
  incident: z
    .union([z.literal("all"), z.string().uuid()], { message: 'must be "all" or an incident id' })
    .default("all"),
  language: z.string().trim().min(2).max(35).default("sv"),
});
export type SubscribePushInput = z.input<typeof SubscribePushInput>;

export const UnsubscribePushInput = z.object({
  endpoint: z.string({ message: "is required" }).min(1, "is required").max(2_000),
});

type SubscribeDeps = Pick<Deps, "db" | "now" | "config" | "secretKey">;

/** The reason an endpoint is refused, or null: push services are public HTTPS servers. */
export function refuseEndpoint(endpoint: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "must be an absolute URL";
  }
  if (url.username || url.password) return "must not carry a user name or password";
  if (allowPrivate) return url.protocol === "https:" || url.protocol === "http:" ? null : "must be an https URL";
  if (url.protocol !== "https:") return "must be an https URL";
  if (isPrivateHost(url.hostname)) return "must not be on a loopback or private address";
  return null;
}

export interface PushSubscriptionView {
  incident: "all" | string;
  language: string;
}

/** Stores (or replaces) a browser's subscription; answers only what was chosen, never the endpoint. */
export async function subscribeToPush(deps: SubscribeDeps, raw: unknown): Promise<PushSubscriptionView> {
  const input = SubscribePushInput.parse(raw);
  const fields: FieldError[] = [];
  const refused = refuseEndpoint(input.endpoint, deps.config.pushAllowPrivate);
  if (refused) fields.push({ field: "endpoint", code: "invalid_input", message: refused });
  const incidentId = input.incident === "all" ? null : input.incident;
  if (incidentId) {
    const [found] = await deps.db.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, incidentId));
    if (!found) fields.push({ field: "incident", code: "incident_unknown", message: "is not an incident of this hub" });
  }
  const org = await getOrganisation(deps.db);
  if (!org.languages.includes(input.language)) {
    fields.push({
      field: "language",
      code: "invalid_input",
      message: `must be one of the organisation's languages (${org.languages.join(", ")})`,
    });
  }
  if (fields.length) {
    throw new InvalidInputError("invalid_input", `Invalid input: ${fields.map((f) => f.field).join(", ")}.`, {
      fields,
    });
  }
  const now = deps.now();
  const values = {
    sealed: await sealJson(deps.secretKey, { endpoint: input.endpoint, ...input.keys }),
    incidentId,
    language: input.language,
    updatedAt: now,
  };
  await deps.db
    .insert(pushSubscriptions)
    .values({ endpointHash: await lookupHash(deps.secretKey, input.endpoint), createdAt: now, ...values })
    .onConflictDoUpdate({ target: pushSubscriptions.endpointHash, set: values });
  return { incident: incidentId ?? "all", language: input.language };
}

/** Removes the subscription of an endpoint; the same answer whether there was one or not. */
export async function unsubscribeFromPush(deps: Pick<Deps, "db" | "secretKey">, raw: unknown): Promise<void> {
  const input = UnsubscribePushInput.parse(raw);
  const hash = await lookupHash(deps.secretKey, input.endpoint);
  await deps.db.delete(pushSubscriptions).where(eq(pushSubscriptions.endpointHash, hash));
}
