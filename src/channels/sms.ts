// SMS to subscribers through 46elks (https://46elks.se/docs/send-sms): POST {base}/a1/sms with
// from, to and message as a form, HTTP basic auth with the API username and password. The text
// is counted in segments as networks count them (sms-segments.ts) and the update's text is
// shortened to KRISKANAL_SMS_MAX_SEGMENTS, never the permalink or the unsubscribe link.
import { z } from "zod";
import type { Config } from "../config";
import { credentialHider } from "../domain/accounts/secrets";
import { classForStatus, createSend, readReply, readRetryAfter, SendError } from "../platforms/http";
import { wordsFor } from "./message-words";
import { shortenToSegments } from "./sms-segments";
import type { ChannelResult, SubscriberChannel } from "./types";

const SEND_TIMEOUT_MS = 15_000;
const SentSms = z.object({ id: z.string(), status: z.string().optional(), parts: z.number().optional() });

export const sms: SubscriberChannel = {
  kind: "sms",
  configured: ({ config }) => Boolean(config.sms),
  composeUpdate(notice, config) {
    const words = wordsFor(notice.language);
    const kind = notice.kind === "update" ? "" : `${words.kind[notice.kind]}: `;
    const text = shortenToSegments(
      notice.body.replace(/\s*\n\s*/g, "\n").trim(),
      config.smsMaxSegments,
      (body) =>
        `${notice.orgName}: ${kind}${notice.incidentTitle}\n${body}${body ? "\n" : ""}${notice.permalink}\n${words.smsUnsubscribe}: ${notice.unsubscribeUrl}`,
    );
    return { subject: "", text, headers: {} };
  },
  composeConfirmation(notice) {
    return { subject: "", text: wordsFor(notice.language).smsCode(notice.code ?? "", notice.orgName), headers: {} };
  },
  async send(ctx, to, message) {
    const gateway = ctx.config.sms;
    if (!gateway)
      return { ok: false, class: "retry", message: "Ingen SMS-tjänst är inställd (KRISKANAL_SMS_USERNAME)." };
    const hide = credentialHider({ username: gateway.username, password: gateway.password });
    const result = await postSms(ctx.fetch, gateway, to, message.text, ctx.now().getTime());
    return result.ok ? result : { ...result, message: hide(result.message) };
  },
};

async function postSms(
  fetchFn: typeof fetch,
  gateway: NonNullable<Config["sms"]>,
  to: string,
  text: string,
  nowMs: number,
): Promise<ChannelResult> {
  const send = createSend(fetchFn, SEND_TIMEOUT_MS);
  let res: Response;
  try {
    res = await send(`${gateway.url}/a1/sms`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${gateway.username}:${gateway.password}`)}` },
      form: { from: gateway.from, to, message: text },
    });
  } catch (error) {
    // No answer after the request left: 46elks has no idempotency key, so it is not sent twice.
    const cls = error instanceof SendError ? error.failureClass : "retry";
    return { ok: false, class: cls === "unconfirmed" ? "unconfirmed" : "retry", message: String(error).slice(0, 300) };
  }
  const reply = await readReply(res);
  if (res.status >= 200 && res.status < 300) {
    const sent = SentSms.safeParse(reply.body);
    return sent.success ? { ok: true, remoteId: sent.data.id } : { ok: true };
  }
  const message = `HTTP ${reply.status}: ${reply.text.slice(0, 200) || "(tomt svar)"}`;
  const cls = classForStatus(reply.status);
  if (cls === "retry") return { ok: false, class: "retry", message, retryAfterSeconds: readRetryAfter(reply, nowMs) };
  if (cls === "auth") return { ok: false, class: "auth", message };
  // 46elks answers 403 with a reason such as "Invalid to number": this number will not take it.
  if (/\bto\b|number|recipient/i.test(reply.text)) return { ok: false, class: "refused", message };
  return { ok: false, class: "invalid", message };
}
