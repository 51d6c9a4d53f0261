// Subscriber channels: how an update (or a sign-up's confirmation) reaches a person who asked for
// it by email or SMS. One file per channel, one shape, as platform adapters have: compose is pure
// (previews and tests call it), send returns a typed result instead of throwing.
import type { Config } from "../config";
import type { SubscriberChannelKind, UpdateKind } from "../db/schema";
import type { MailTransport } from "./mail-transport";

/**
 * retry: try again later (network, 4xx SMTP, 5xx/429 HTTP); refused: this address will not take
 * it (a bounce, an unknown number), which counts towards ending the subscription; invalid: the
 * message itself was refused; auth: the hub's own login to the gateway failed (retried, logged);
 * unconfirmed: the request went out and no answer came back, so it is not sent again.
 */
export type ChannelFailureClass = "retry" | "refused" | "invalid" | "auth" | "unconfirmed";

export type ChannelResult =
  | { ok: true; remoteId?: string }
  | { ok: false; class: ChannelFailureClass; message: string; retryAfterSeconds?: number };

/** One published update, as a subscriber is to get it. */
export interface UpdateNotice {
  orgName: string;
  incidentTitle: string;
  kind: UpdateKind;
  /** In the subscriber's language when a translation exists, Swedish otherwise. */
  body: string;
  language: string;
  permalink: string;
  unsubscribeUrl: string;
  publishedAt: Date;
}

/** The one message an unconfirmed address may get: how to confirm. */
export interface ConfirmationNotice {
  orgName: string;
  /** "alla händelser" or the incident's title. */
  scope: string;
  language: string;
  /** Email: the confirmation link. */
  link?: string;
  /** SMS: the code to type on the page. */
  code?: string;
}

/** What is sent: SMS use the text alone. */
export interface ComposedMessage {
  subject: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
}

export interface ChannelContext {
  fetch: typeof fetch;
  config: Config;
  now(): Date;
  /** The SMTP transport (Node) or none: see README, "Prenumerationer: e-post och SMS". */
  mail?: MailTransport;
}

export interface SubscriberChannel {
  kind: SubscriberChannelKind;
  /** Whether the hub is set up to send on this channel (the sign-up form is offered only then). */
  configured(ctx: Pick<ChannelContext, "config" | "mail">): boolean;
  composeUpdate(notice: UpdateNotice, config: Config): ComposedMessage;
  composeConfirmation(notice: ConfirmationNotice, config: Config): ComposedMessage;
  send(ctx: ChannelContext, to: string, message: ComposedMessage): Promise<ChannelResult>;
}
