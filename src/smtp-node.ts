// Node only: subscriber email over SMTP with nodemailer (KRISKANAL_SMTP_URL, e.g.
// smtp://user:pass@host:587; add ?pool=true to keep connections open for a large list). The
// transport reports what the server said; the email channel (src/channels/email.ts) judges it.
import type { Transporter } from "nodemailer";
import type { MailReply, MailTransport, OutgoingMail } from "./channels/mail-transport";

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  command?: string;
  message?: string;
  response?: string;
}

export function createSmtpTransport(url: string): MailTransport {
  // nodemailer is loaded at the first email, not at start-up: importing it costs more than a
  // tenth of a second, and most starts send no email before the first page is served.
  let transport: Promise<Transporter> | undefined;
  const open = () =>
    (transport ??= import("nodemailer").then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
      }),
    ));
  return {
    async send(mail: OutgoingMail): Promise<MailReply> {
      try {
        const info = await (await open()).sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
        });
        if (info.rejected?.length) {
          return { ok: false, responseCode: 550, message: String(info.response ?? "rejected") };
        }
        return { ok: true, messageId: String(info.messageId ?? "") };
      } catch (error) {
        const failure = error as SmtpFailure;
        const responseCode = typeof failure.responseCode === "number" ? failure.responseCode : undefined;
        return {
          ok: false,
          ...(responseCode ? { responseCode } : {}),
          ...(failure.code ? { code: failure.code } : {}),
          message: String(failure.response ?? failure.message ?? error).slice(0, 500),
          afterData: !responseCode && (failure.command === "DATA" || failure.code === "EMESSAGE"),
        };
      }
    },
    close: () => {
      void transport?.then((opened) => opened.close());
    },
  };
}
