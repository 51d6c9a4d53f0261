// The Telegram side of the shared inbox: a channel has no replies of its own, but a channel with
// a linked discussion group gets comments there, as messages replying to the group's automatic
// forward of our post. The bot reads them with getUpdates when it is a member of the group (as
// an administrator, or with privacy mode off, or it sees only commands). The cursor is the next
// update_id: asking with it confirms everything before it to Telegram, so it moves only after
// the items are stored. A group message's id is only unique in its chat, so items are
// "<chat id>_<message id>"; a plain number is one of our channel posts.
import { z } from "zod";
import type { ApiResult } from "./http";
import { failure } from "./http";
import { checkRemoteId } from "./remote-ids";
import { atHandle } from "./reply-text";
import type {
  AdapterContext,
  AnswerRequest,
  CollectedReply,
  CollectRequest,
  CollectResult,
  PublishResult,
} from "./types";

const PAGE_SIZE = 100;
const MAX_PAGES = 5;
const GROUP_MESSAGE = /^(-\d{1,16})_(\d{1,12})$/;

const CHAT = z.object({ id: z.number(), username: z.string().nullish(), linked_chat_id: z.number().nullish() });
const MESSAGE = z.object({
  message_id: z.number(),
  date: z.number(),
  chat: z.object({ id: z.number(), username: z.string().nullish() }),
  from: z
    .object({
      id: z.number(),
      is_bot: z.boolean().nullish(),
      username: z.string().nullish(),
      first_name: z.string().nullish(),
    })
    .nullish(),
  sender_chat: z.object({ id: z.number() }).nullish(),
  text: z.string().nullish(),
  caption: z.string().nullish(),
  is_automatic_forward: z.boolean().nullish(),
  forward_origin: z.object({ message_id: z.number().nullish() }).nullish(),
  forward_from_message_id: z.number().nullish(),
});
const UPDATES = z.array(
  z.object({
    update_id: z.number(),
    message: MESSAGE.extend({ reply_to_message: MESSAGE.nullish() }).nullish(),
  }),
);

export interface TelegramReplyParts {
  call<T>(
    ctx: AdapterContext,
    name: string,
    json?: Record<string, unknown>,
  ): Promise<ApiResult<{ ok: true; result: T }>>;
  chatId(ctx: AdapterContext): string;
}

type Message = z.infer<typeof MESSAGE>;

/** The channel post a group message forwards, where it is one of the automatic forwards. */
function forwardedPost(message: Message | null | undefined): number | undefined {
  if (!message?.is_automatic_forward) return undefined;
  return message.forward_origin?.message_id ?? message.forward_from_message_id ?? undefined;
}

export async function collectTelegramComments(
  parts: TelegramReplyParts,
  ctx: AdapterContext,
  request: CollectRequest,
): Promise<CollectResult> {
  const channel = await parts.call<unknown>(ctx, "getChat", { chat_id: parts.chatId(ctx) });
  if (!channel.ok) return channel;
  const chat = CHAT.safeParse(channel.data.result);
  if (!chat.success) return failure("retry", "Oväntat svar från getChat");
  // No discussion group: the channel takes no comments, and there is nothing to read.
  const group = chat.data.linked_chat_id;
  if (!group) return { ok: true, items: [], cursor: request.cursor };
  const items: CollectedReply[] = [];
  let offset = request.cursor ? Number(request.cursor) : undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await parts.call<unknown>(ctx, "getUpdates", {
      ...(offset ? { offset } : {}),
      limit: PAGE_SIZE,
      timeout: 0,
      allowed_updates: ["message"],
    });
    if (!res.ok) return res;
    const updates = UPDATES.safeParse(res.data.result);
    if (!updates.success) return failure("retry", "Oväntat svar från getUpdates");
    for (const update of updates.data) {
      offset = Math.max(offset ?? 0, update.update_id + 1);
      const m = update.message;
      // The group's copies of our posts, messages sent as a chat (the channel itself) and bots (us) are no questions.
      if (!m || m.chat.id !== group || m.is_automatic_forward || m.sender_chat || m.from?.is_bot) continue;
      const replyTo = m.reply_to_message;
      const post = forwardedPost(replyTo);
      const id = `${group}_${m.message_id}`;
      items.push({
        remoteId: id,
        inReplyTo: post !== undefined ? String(post) : replyTo ? `${group}_${replyTo.message_id}` : undefined,
        kind: replyTo ? "comment" : "message",
        authorHandle: m.from?.username ? atHandle(m.from.username) : (m.from?.first_name ?? "okänd"),
        text: m.text ?? m.caption ?? "",
        postedAt: new Date(m.date * 1000).toISOString(),
        url: messageUrl(chat.data.username ?? undefined, m.chat, m.message_id, post),
      });
    }
    if (updates.data.length < PAGE_SIZE) break;
  }
  return { ok: true, items, cursor: offset === undefined ? request.cursor : String(offset) };
}

/** A comment links under the channel post it answers; other group messages in the group, where public. */
function messageUrl(
  channel: string | undefined,
  chat: { id: number; username?: string | null },
  messageId: number,
  post?: number,
): string {
  if (channel && post !== undefined) return `https://t.me/${channel}/${post}?comment=${messageId}`;
  if (chat.username) return `https://t.me/${chat.username}/${messageId}`;
  return `https://t.me/c/${String(chat.id).replace(/^-100/, "")}/${messageId}`;
}

export async function answerTelegramComment(
  parts: TelegramReplyParts,
  ctx: AdapterContext,
  request: AnswerRequest,
): Promise<PublishResult> {
  const bad = checkRemoteId("telegram", request.replyId, "meddelande-id");
  const parsed = request.replyId.match(GROUP_MESSAGE);
  if (bad || !parsed) return bad ?? failure("invalid", "Bara meddelanden i diskussionsgruppen kan besvaras.");
  const [, chatId, messageId] = parsed;
  // Plain text: what staff write is sent as written, with no markup to parse.
  const res = await parts.call<Message>(ctx, "sendMessage", {
    chat_id: Number(chatId),
    text: request.text,
    reply_parameters: { message_id: Number(messageId) },
  });
  if (!res.ok) return res;
  const message = MESSAGE.safeParse(res.data.result);
  if (!message.success) return failure("unconfirmed", "Telegram svarade utan meddelandets id");
  const { chat, message_id } = message.data;
  return { ok: true, remoteId: `${chat.id}_${message_id}`, remoteUrl: messageUrl(undefined, chat, message_id) };
}

/** Deletes a message in the discussion group (the bot needs can_delete_messages there). */
export async function deleteTelegramComment(
  parts: TelegramReplyParts,
  ctx: AdapterContext,
  remoteId: string,
): Promise<PublishResult> {
  const parsed = remoteId.match(GROUP_MESSAGE);
  if (!parsed) return failure("invalid", "Bara meddelanden i diskussionsgruppen kan tas bort härifrån.");
  const [, chatId, messageId] = parsed;
  const res = await parts.call<boolean>(ctx, "deleteMessage", {
    chat_id: Number(chatId),
    message_id: Number(messageId),
  });
  if (!res.ok) return res;
  return { ok: true, remoteId, remoteUrl: `https://t.me/c/${chatId.replace(/^-100/, "")}/${messageId}` };
}
