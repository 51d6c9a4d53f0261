// The seam between the email channel and whatever carries mail: SMTP through nodemailer on Node
// (src/smtp-node.ts); on Workers none yet. A transport reports what the server said and does not
// judge it: the email channel classifies.

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
}

export type MailReply =
  | { ok: true; messageId: string }
  | {
      ok: false;
      /** The SMTP reply code, when the server answered (550, 451...). */
      responseCode?: number;
      /** The transport's own code (ECONNECTION, ETIMEDOUT, EAUTH...). */
      code?: string;
      message: string;
      /** The message data had been handed over when the failure came: it may have been delivered. */
      afterData?: boolean;
    };

export interface MailTransport {
  send(mail: OutgoingMail): Promise<MailReply>;
  close?(): void;
}
