// Web push: the notification a subscribed browser shows for a published update, and sending it
// to the browser's push service (RFC 8030) encrypted for that browser alone (RFC 8291) and signed
// as this hub (RFC 8292). Like a platform adapter it returns a typed outcome and does no
// database work; the outbox (domain/publishing/push-messages.ts) records what came back.
import type { Severity } from "../db/schema";
import { credentialHider } from "../domain/accounts/secrets";
import {
  encryptPushMessage,
  MAX_PLAINTEXT_BYTES,
  type PushKeys,
  type VapidKeyPair,
  vapidAuthorization,
} from "./web-push-crypto";

/** What the service worker (routes/public/push-assets.ts) turns into a notification. */
export interface PushNotice {
  title: string;
  body: string;
  /** The update's permalink: the notification opens it. */
  url: string;
  /** One notification per incident on the device: a newer update replaces the older one. */
  tag: string;
  lang: string;
}

export interface PushTarget extends PushKeys {
  endpoint: string;
}

export type PushOutcome =
  | { ok: true }
  /** gone: the browser unsubscribed or the endpoint expired (404, 410); the subscription is removed. */
  | { ok: false; class: "gone" | "retry" | "invalid"; message: string; retryAfter?: number };

export interface PushContext {
  fetch: typeof fetch;
  now(): Date;
  vapid: VapidKeyPair;
  /** RFC 8292 sub: a mailto: or https: address the push service can reach the sender at. */
  subject: string;
}

/** A day: a crisis notification that could not reach a phone switched off longer is stale news. */
const TTL_SECONDS = 24 * 3600;
const SEND_TIMEOUT_MS = 10_000;
const BODY_CHARS = 240;

/** The first line of the update (as the issue asks), cut at a word, and the permalink. */
export function composePushNotice(input: {
  incidentId: string;
  incidentTitle: string;
  body: string;
  permalink: string;
  language: string;
}): PushNotice {
  const first = input.body.split(/\r?\n/).find((line) => line.trim()) ?? "";
  return {
    title: input.incidentTitle,
    body: cutAtWord(first.trim(), BODY_CHARS),
    url: input.permalink,
    tag: input.incidentId,
    lang: input.language,
  };
}

function cutAtWord(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join("");
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** High urgency wakes a phone that saves battery; minor news can wait for it (RFC 8030 §5.3). */
export function urgencyOf(severity: Severity): "high" | "normal" {
  return severity === "critical" || severity === "major" ? "high" : "normal";
}

export async function sendPushNotice(
  ctx: PushContext,
  target: PushTarget,
  notice: PushNotice,
  severity: Severity,
): Promise<PushOutcome> {
  // The endpoint is personal data and a bearer capability: no text kept from here may hold it.
  const hide = credentialHider({ endpoint: target.endpoint, path: new URL(target.endpoint).pathname });
  let body: Uint8Array;
  try {
    const json = new TextEncoder().encode(JSON.stringify(notice));
    if (json.length > MAX_PLAINTEXT_BYTES)
      return { ok: false, class: "invalid", message: "the notification is too long" };
    body = await encryptPushMessage(target, json);
  } catch (error) {
    return {
      ok: false,
      class: "invalid",
      message: hide(`the browser's keys are unusable: ${String(error)}`).slice(0, 300),
    };
  }
  let res: Response;
  try {
    res = await ctx.fetch(target.endpoint, {
      method: "POST",
      headers: {
        authorization: await vapidAuthorization(target.endpoint, ctx.vapid, ctx.subject, ctx.now()),
        "content-encoding": "aes128gcm",
        "content-type": "application/octet-stream",
        ttl: String(TTL_SECONDS),
        urgency: urgencyOf(severity),
        // A message still waiting at the push service is replaced by the incident's next one.
        topic: notice.tag.replace(/-/g, ""),
      },
      body: body as BodyInit,
      redirect: "manual",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    return {
      ok: false,
      class: "retry",
      message: hide(`the push service did not answer: ${String(error)}`).slice(0, 300),
    };
  }
  await res.body?.cancel();
  if (res.status >= 200 && res.status < 300) return { ok: true };
  const message = `the push service answered HTTP ${res.status}`;
  if (res.status === 404 || res.status === 410) return { ok: false, class: "gone", message };
  if (res.status === 429 || res.status >= 500) {
    const after = Number(res.headers.get("retry-after"));
    return { ok: false, class: "retry", message, ...(after > 0 ? { retryAfter: after } : {}) };
  }
  return { ok: false, class: "invalid", message };
}
