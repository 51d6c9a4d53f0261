// Email to subscribers: plain text and a simple HTML part saying the same, with the permalink and
// an unsubscribe link that works without signing in. Every update carries List-Unsubscribe with
// List-Unsubscribe-Post (RFC 8058), so mail programs offer one-click unsubscribing; the mailto
// form is left out because the hub reads no mail. Sent through the MailTransport in Deps.
import type { MailReply } from "./mail-transport";
import { formatStockholmTime, wordsFor } from "./message-words";
import type { ChannelResult, SubscriberChannel } from "./types";

/** Reply codes that mean the hub's own login to the mail server failed. */
const AUTH_CODES = new Set([530, 534, 535, 538]);

export const email: SubscriberChannel = {
  kind: "email",
  configured: ({ mail }) => Boolean(mail),
  composeUpdate(notice) {
    const words = wordsFor(notice.language);
    const kind = words.kind[notice.kind];
    const when = `${words.published} ${formatStockholmTime(notice.publishedAt)}`;
    const text = [
      `${notice.orgName}: ${notice.incidentTitle}`,
      `${kind}. ${when}`,
      "",
      notice.body,
      "",
      `${words.readMore}: ${notice.permalink}`,
      "",
      "-- ",
      words.why(notice.orgName),
      `${words.unsubscribe}: ${notice.unsubscribeUrl}`,
      "",
    ].join("\n");
    const html = htmlDocument(
      notice.language,
      `${notice.incidentTitle}: ${kind}`,
      [
        `<p>${escapeHtml(notice.orgName)}</p>`,
        `<h1>${escapeHtml(notice.incidentTitle)}</h1>`,
        `<p><strong>${escapeHtml(kind)}</strong>. ${escapeHtml(when)}</p>`,
        paragraphsOf(notice.body),
        `<p><a href="${escapeHtml(notice.permalink)}">${escapeHtml(words.readMore)}</a></p>`,
        "<hr>",
        `<p>${escapeHtml(words.why(notice.orgName))} <a href="${escapeHtml(notice.unsubscribeUrl)}">${escapeHtml(words.unsubscribe)}</a></p>`,
      ].join("\n"),
    );
    return {
      subject: `${notice.incidentTitle}: ${kind}`,
      text,
      html,
      headers: {
        "List-Unsubscribe": `<${notice.unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
      },
    };
  },
  composeConfirmation(notice) {
    const words = wordsFor(notice.language);
    const link = notice.link ?? "";
    const text = [
      words.confirmEmail(notice.orgName, notice.scope),
      "",
      `${words.confirmButton}: ${link}`,
      "",
      words.confirmIgnore,
      "",
    ].join("\n");
    const html = htmlDocument(
      notice.language,
      words.confirmSubject(notice.orgName),
      [
        `<p>${escapeHtml(words.confirmEmail(notice.orgName, notice.scope))}</p>`,
        `<p><a href="${escapeHtml(link)}">${escapeHtml(words.confirmButton)}</a></p>`,
        `<p>${escapeHtml(words.confirmIgnore)}</p>`,
      ].join("\n"),
    );
    return {
      subject: words.confirmSubject(notice.orgName),
      text,
      html,
      headers: { "Auto-Submitted": "auto-generated" },
    };
  },
  async send(ctx, to, message) {
    if (!ctx.mail)
      return { ok: false, class: "retry", message: "Ingen e-postserver är inställd (KRISKANAL_SMTP_URL)." };
    const reply = await ctx.mail.send({ from: ctx.config.mailFrom, to, ...message });
    return classifyMailReply(reply);
  },
};

export function classifyMailReply(reply: MailReply): ChannelResult {
  if (reply.ok) return { ok: true, remoteId: reply.messageId };
  const code = reply.responseCode;
  const message = `${code ? `SMTP ${code}: ` : reply.code ? `${reply.code}: ` : ""}${reply.message}`.slice(0, 500);
  if (reply.code === "EAUTH" || reply.code === "ENOAUTH" || (code && AUTH_CODES.has(code))) {
    return { ok: false, class: "auth", message };
  }
  if (code && code >= 500 && code < 600) return { ok: false, class: "refused", message };
  if (code && code >= 400 && code < 500) return { ok: false, class: "retry", message };
  // The data was handed over and the answer lost: it may be in the inbox already.
  if (reply.afterData) return { ok: false, class: "unconfirmed", message };
  return { ok: false, class: "retry", message };
}

function htmlDocument(language: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;font-size:17px;line-height:1.5;color:#1a1a1a;max-width:40em">
${body}
</body>
</html>
`;
}

function paragraphsOf(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>\n")}</p>`)
    .join("\n");
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  );
}
