// WebSub (W3C Recommendation, 2018): this hub is the hub of its own feeds. A subscriber asks at
// /websub; the hub answers 202 at once and then verifies the intent with a GET to the callback
// that must echo hub.challenge (§5.3). Only a verified subscription is stored, with its lease,
// and its hub.secret sealed like a platform credential.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { websubSubscriptions } from "../../db/schema";
import type { Deps } from "../../deps";
import { randomToken, sealJson } from "../accounts/secrets";
import { feedOfTopic } from "./feed-document";
import { refuseCallback } from "./websub-callback";

export const DEFAULT_LEASE_SECONDS = 10 * 86_400;
const MIN_LEASE_SECONDS = 60;
const MAX_LEASE_SECONDS = 30 * 86_400;
/** §5.1: hub.secret MUST be less than 200 bytes. */
const MAX_SECRET_BYTES = 199;
const VERIFY_TIMEOUT_MS = 10_000;

const RequestSchema = z.object({
  "hub.mode": z.enum(["subscribe", "unsubscribe"], { message: "must be subscribe or unsubscribe" }),
  "hub.topic": z.string({ message: "is required" }).min(1, "is required").max(2_000),
  "hub.callback": z.string({ message: "is required" }).min(1, "is required").max(2_000),
  "hub.lease_seconds": z
    .string()
    .regex(/^\d{1,9}$/, "must be a whole number of seconds")
    .optional()
    .or(z.literal("")),
  "hub.secret": z
    .string()
    .refine((s) => new TextEncoder().encode(s).byteLength <= MAX_SECRET_BYTES, "must be less than 200 bytes")
    .optional(),
});

export interface SubscriptionRequest {
  mode: "subscribe" | "unsubscribe";
  topic: string;
  callback: string;
  leaseSeconds: number;
  secret?: string;
}

export type ParsedRequest = { request: SubscriptionRequest } | { errors: { field: string; message: string }[] };

/** Reads a subscription request; every wrong field is named, and a topic must be one of our feeds. */
export function parseSubscriptionRequest(
  deps: Pick<Deps, "config">,
  form: Record<string, string | undefined>,
): ParsedRequest {
  const parsed = RequestSchema.safeParse(form);
  if (!parsed.success) {
    return { errors: parsed.error.issues.map((i) => ({ field: String(i.path[0]), message: i.message })) };
  }
  const data = parsed.data;
  const errors: { field: string; message: string }[] = [];
  if (!feedOfTopic(deps.config.publicUrl, data["hub.topic"])) {
    errors.push({ field: "hub.topic", message: "is not one of this hub's feeds" });
  }
  const refused = refuseCallback(data["hub.callback"], deps.config.websubAllowPrivate);
  if (refused) errors.push({ field: "hub.callback", message: refused });
  if (errors.length) return { errors };
  const asked = data["hub.lease_seconds"] ? Number(data["hub.lease_seconds"]) : DEFAULT_LEASE_SECONDS;
  return {
    request: {
      mode: data["hub.mode"],
      topic: data["hub.topic"],
      callback: data["hub.callback"],
      leaseSeconds: Math.min(MAX_LEASE_SECONDS, Math.max(MIN_LEASE_SECONDS, asked)),
      ...(data["hub.secret"] ? { secret: data["hub.secret"] } : {}),
    },
  };
}

/**
 * §5.3: asks the callback to confirm, and only on an echoed challenge stores (or removes) the
 * subscription. Returns whether the intent was verified.
 */
export async function verifySubscriptionIntent(
  deps: Pick<Deps, "db" | "now" | "fetch" | "log" | "secretKey">,
  request: SubscriptionRequest,
): Promise<boolean> {
  const challenge = randomToken("kk", 24);
  const url = new URL(request.callback);
  url.searchParams.set("hub.mode", request.mode);
  url.searchParams.set("hub.topic", request.topic);
  url.searchParams.set("hub.challenge", challenge);
  if (request.mode === "subscribe") url.searchParams.set("hub.lease_seconds", String(request.leaseSeconds));
  let echoed = false;
  try {
    const res = await deps.fetch(url, { redirect: "manual", signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS) });
    const body = await res.text();
    echoed = res.status >= 200 && res.status < 300 && body.trim() === challenge;
  } catch (error) {
    deps.log.info("a WebSub callback did not answer the verification", { error: String(error) });
  }
  if (!echoed) {
    deps.log.info("a WebSub subscriber did not confirm its intent", { mode: request.mode, topic: request.topic });
    return false;
  }
  const match = and(eq(websubSubscriptions.topic, request.topic), eq(websubSubscriptions.callback, request.callback));
  if (request.mode === "unsubscribe") {
    await deps.db.delete(websubSubscriptions).where(match);
    return true;
  }
  const now = deps.now();
  const values = {
    secretSealed: request.secret ? await sealJson(deps.secretKey, { secret: request.secret }) : null,
    leaseSeconds: request.leaseSeconds,
    expiresAt: new Date(now.getTime() + request.leaseSeconds * 1000),
    updatedAt: now,
  };
  await deps.db
    .insert(websubSubscriptions)
    .values({ topic: request.topic, callback: request.callback, createdAt: now, ...values })
    .onConflictDoUpdate({ target: [websubSubscriptions.topic, websubSubscriptions.callback], set: values });
  return true;
}
