// Telegram channel posts through the Bot API. The token is part of the URL path; the limit is
// counted after HTML entities are parsed, so it is measured on the plain text, and everything we
// did not write as markup is escaped so "<script>" stays text.
import { callApi, classifyHttpFailure, describeBody, failure, type HttpReply } from "./http";
import { attachImage } from "./images";
import { checkRemoteId } from "./remote-ids";
import { assemblePlain, shortenToFit, toComposed } from "./shorten";
import { answerTelegramComment, collectTelegramComments, deleteTelegramComment } from "./telegram-replies";
import type { AdapterContext, FailureResult, PlatformAdapter, PublishResult } from "./types";

const MAX_CHARS = 4_096;
/** A photo's caption, counted like a message's text. */
const MAX_CAPTION_CHARS = 1_024;
const RIGHTS_DESCRIPTIONS =
  /not enough rights|need administrator rights|chat not found|not a member|have no rights|CHAT_WRITE_FORBIDDEN/i;
const NOT_MODIFIED = /message is not modified/i;

interface Message {
  message_id: number;
  chat: { id: number; username?: string };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function renderHtml(body: string, link: string, signature?: string): string {
  const head = [escapeHtml(body), signature ? `– ${escapeHtml(signature)}` : ""].filter(Boolean).join("\n");
  const anchor = `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
  return [head, anchor].filter(Boolean).join("\n\n");
}

function classifyTelegramFailure(reply: HttpReply): FailureResult {
  const description = describeBody(reply);
  const body = reply.body as { parameters?: { migrate_to_chat_id?: number } } | undefined;
  if (reply.status === 404) return failure("auth", `Ogiltig bot-token: ${description}`);
  if (reply.status === 400 && RIGHTS_DESCRIPTIONS.test(description)) return failure("rights", description);
  if (body?.parameters?.migrate_to_chat_id) {
    return failure("invalid", `Chatten har flyttat till ${body.parameters.migrate_to_chat_id}: ${description}`);
  }
  return classifyHttpFailure(reply);
}

export function createTelegramAdapter(): PlatformAdapter {
  const method = (ctx: AdapterContext, name: string) =>
    `${ctx.account.baseUrl.replace(/\/$/, "")}/bot${ctx.credential.botToken}/${name}`;
  const call = <T>(ctx: AdapterContext, name: string, json: Record<string, unknown> = {}) =>
    callApi<{ ok: true; result: T }>(ctx.send, method(ctx, name), { method: "POST", json }, classifyTelegramFailure);
  const chatId = (ctx: AdapterContext) => ctx.account.options.chatId;
  const messageUrl = (chat: Message["chat"] | undefined, ctx: AdapterContext, id: string | number) => {
    const username = chat?.username ?? (chatId(ctx).startsWith("@") ? chatId(ctx).slice(1) : undefined);
    if (username) return `https://t.me/${username}/${id}`;
    // Private channels link as t.me/c/<id without the -100 prefix>/<message>.
    return `https://t.me/c/${String(chat?.id ?? chatId(ctx)).replace(/^-100/, "")}/${id}`;
  };

  const replyParts = { call, chatId };

  return {
    platform: "telegram",
    defaultBaseUrl: "https://api.telegram.org",
    requiredOptions: ["chatId"],
    handleFormat: { pattern: /^[A-Za-z][A-Za-z0-9_]{4,31}$/, example: "exempelkommun" },
    credentialFields: ["botToken"],

    compose(content, limits) {
      const limit = limits?.maxChars ?? MAX_CHARS;
      const fit = shortenToFit(content, {
        limit: content.image ? Math.min(limit, MAX_CAPTION_CHARS) : limit,
        // Telegram counts the text left after parsing the markup, in UTF-16 units like its entity offsets.
        measure: (text) => text.length,
        assemble: assemblePlain,
      });
      const html = renderHtml(fit.body, content.link, fit.signature);
      // sendPhoto: Telegram fetches the image from its URL; a photo has a caption and no alt text.
      if (content.image) {
        const photo = { photo: content.image.url, caption: html, parse_mode: "HTML" };
        return attachImage(toComposed({ ...fit, text: html }, photo), content.image, false);
      }
      return toComposed(
        { ...fit, text: html },
        { text: html, parse_mode: "HTML", link_preview_options: { url: content.link } },
      );
    },

    async publish(ctx, request): Promise<PublishResult> {
      const body: Record<string, unknown> = { chat_id: chatId(ctx), ...request.composed.payload };
      if (request.replyTo)
        body.reply_parameters = { message_id: Number(request.replyTo), allow_sending_without_reply: true };
      const res = await call<Message>(ctx, body.photo ? "sendPhoto" : "sendMessage", body);
      if (!res.ok) return res;
      const message = res.data.result;
      return {
        ok: true,
        remoteId: String(message.message_id),
        remoteUrl: messageUrl(message.chat, ctx, message.message_id),
      };
    },

    async checkRights(ctx) {
      const me = await call<{ id: number; username?: string }>(ctx, "getMe");
      if (!me.ok) return { ok: false, class: me.class, detail: me.message };
      const member = await call<{ status: string; can_post_messages?: boolean }>(ctx, "getChatMember", {
        chat_id: chatId(ctx),
        user_id: me.data.result.id,
      });
      if (!member.ok) return { ok: false, class: member.class, detail: member.message };
      const { status, can_post_messages } = member.data.result;
      if (status === "creator" || (status === "administrator" && can_post_messages)) {
        return {
          ok: true,
          detail: `@${me.data.result.username ?? me.data.result.id} är ${status} med rätt att publicera`,
        };
      }
      return { ok: false, class: "rights", detail: `Boten är ${status} utan can_post_messages` };
    },

    async edit(ctx, remoteId, composed) {
      const bad = checkRemoteId("telegram", remoteId);
      if (bad) return bad;
      // A photo's words are its caption, which has its own edit method.
      const { photo: _photo, ...payload } = composed.payload;
      const res = await call<Message>(ctx, composed.payload.photo ? "editMessageCaption" : "editMessageText", {
        chat_id: chatId(ctx),
        message_id: Number(remoteId),
        ...payload,
      });
      // Sending the same text again is a no-op for us, not an error.
      if (!res.ok && !NOT_MODIFIED.test(res.message)) return res;
      return { ok: true, remoteId, remoteUrl: messageUrl(res.ok ? res.data.result.chat : undefined, ctx, remoteId) };
    },

    async retract(ctx, remoteId) {
      const bad = checkRemoteId("telegram", remoteId);
      if (bad) return bad;
      const res = await call<boolean>(ctx, "deleteMessage", { chat_id: chatId(ctx), message_id: Number(remoteId) });
      if (!res.ok) return res;
      return { ok: true, remoteId, remoteUrl: messageUrl(undefined, ctx, remoteId) };
    },

    collectReplies: (ctx, request) => collectTelegramComments(replyParts, ctx, request),

    answerReply: (ctx, request) => answerTelegramComment(replyParts, ctx, request),

    removeComment: (ctx, remoteId) => deleteTelegramComment(replyParts, ctx, remoteId),
  };
}
