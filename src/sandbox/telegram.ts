// Stand-in for the Telegram Bot API: /bot<token>/<method>, the {ok, result} envelope, HTML parse
// mode parsed strictly (an unsupported tag such as <script> is refused), 4,096 characters after
// parsing, per-chat message ids, the bot's admin rights, and retry_after on 429; the channel's
// linked discussion group (automatic forwards, the public's comments, getUpdates with offset).
import type { Context } from "hono";
import { type FailureSpec, type RenderedFailure, retryAfterOf } from "./control";
import {
  createPlatformParts,
  DEFAULT_PUBLIC_AUTHOR,
  readField,
  readParams,
  type SandboxClock,
  type SandboxPlatform,
} from "./platform";
import type { SandboxPost } from "./store";

export const TELEGRAM_BOT_TOKEN = "7000000001:AAsandbox-telegram-token";
export const TELEGRAM_CHANNEL = "kriskanal_sandlada";
const CHAT = { id: -1001000000001, title: "Exempelkommun informerar", username: TELEGRAM_CHANNEL, type: "channel" };
/** The channel's linked discussion group, where the channel's posts are forwarded and commented on. */
const GROUP = { id: -1001000000002, title: "Exempelkommun informerar – diskussion", type: "supergroup" };
const BOT = { id: 7000000001, is_bot: true, first_name: "Kriskanal", username: "kriskanal_bot" };
const MAX_CHARS = 4_096;
const MAX_CAPTION_CHARS = 1_024;
const TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "a",
  "code",
  "pre",
  "tg-spoiler",
  "span",
  "blockquote",
]);
const ENTITY = /^&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);/i;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface Parsed {
  text: string;
  links: { text: string; url: string }[];
}

function envelopeError(code: number, description: string, parameters?: Record<string, unknown>) {
  return { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) };
}

/** Parses Telegram's HTML subset into the text readers see, or names what Telegram would refuse. */
export function parseTelegramHtml(html: string): Parsed | { error: string } {
  let text = "";
  const links: Parsed["links"] = [];
  const open: { tag: string; href?: string; start: number }[] = [];
  const offset = (i: number) => new TextEncoder().encode(html.slice(0, i)).length;
  for (let i = 0; i < html.length; ) {
    const ch = html[i];
    if (ch === "<") {
      const tag = html.slice(i).match(/^<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"]*")?)*)\s*>/);
      if (!tag)
        return { error: `Bad Request: can't parse entities: Unexpected end of name token at byte offset ${offset(i)}` };
      const [whole, closing, name] = tag;
      if (!TAGS.has(name.toLowerCase())) {
        return {
          error: `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${offset(i)}`,
        };
      }
      if (closing) {
        const top = open.pop();
        if (!top || top.tag !== name.toLowerCase()) {
          return {
            error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${offset(i)}, expected "</${top?.tag ?? ""}>", found "</${name}>"`,
          };
        }
        if (top.href !== undefined) links.push({ text: text.slice(top.start), url: top.href });
      } else {
        const href = tag[3].match(/href="([^"]*)"/)?.[1];
        open.push({
          tag: name.toLowerCase(),
          href: href === undefined ? undefined : decodeEntities(href),
          start: text.length,
        });
      }
      i += whole.length;
    } else if (ch === "&") {
      const entity = html.slice(i).match(ENTITY);
      if (!entity)
        return { error: `Bad Request: can't parse entities: Character entity expected at byte offset ${offset(i)}` };
      text += decodeEntities(entity[0]);
      i += entity[0].length;
    } else if (ch === ">") {
      return { error: `Bad Request: can't parse entities: Unexpected ">" at byte offset ${offset(i)}` };
    } else {
      text += ch;
      i++;
    }
  }
  if (open.length)
    return {
      error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open[0].tag}"`,
    };
  return { text, links };
}

function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);/gi, (_, name: string) => {
    if (name[0] === "#")
      return String.fromCodePoint(name[1].toLowerCase() === "x" ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
    return NAMED[name.toLowerCase()];
  });
}

export function createTelegramSandbox(clock: SandboxClock): SandboxPlatform {
  const render = (spec: FailureSpec): RenderedFailure => {
    if (spec.status === 429) {
      const seconds = retryAfterOf(spec);
      return { body: envelopeError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds }) };
    }
    if (spec.status === 401) return { body: envelopeError(401, "Unauthorized") };
    if (spec.status === 403) return { body: envelopeError(403, "Forbidden: bot is not a member of the channel chat") };
    if (spec.status >= 500)
      return { body: envelopeError(spec.status, spec.status === 502 ? "Bad Gateway" : "Internal Server Error") };
    return { body: envelopeError(spec.status, "Bad Request") };
  };
  const { app, control, store } = createPlatformParts(clock, render);
  let lastMessageId = 0;

  // The discussion group: its messages (automatic forwards of our posts, the public's comments,
  // the bot's answers) and the updates the bot has not yet confirmed with getUpdates' offset.
  interface GroupMessage {
    message_id: number;
    date: number;
    from?: Record<string, unknown>;
    sender_chat?: typeof CHAT;
    text: string;
    is_automatic_forward?: boolean;
    forward_origin?: Record<string, unknown>;
    replyTo?: number;
  }
  const group = new Map<number, GroupMessage>();
  const forwards = new Map<string, number>();
  let lastGroupMessageId = 0;
  let lastUpdateId = 100_000_000;
  let updates: { update_id: number; messageId: number }[] = [];
  const publicUsers = new Map<string, number>();

  const renderGroupMessage = (m: GroupMessage, nested = false): Record<string, unknown> => {
    const { replyTo, ...rest } = m;
    const target = replyTo === undefined ? undefined : group.get(replyTo);
    return {
      ...rest,
      chat: GROUP,
      ...(target && !nested ? { reply_to_message: renderGroupMessage(target, true) } : {}),
    };
  };
  const addGroupMessage = (message: Omit<GroupMessage, "message_id" | "date">, notify: boolean) => {
    const stored = { ...message, message_id: ++lastGroupMessageId, date: Math.floor(clock.now() / 1000) };
    group.set(stored.message_id, stored);
    // Bots get no updates about their own messages.
    if (notify) updates.push({ update_id: ++lastUpdateId, messageId: stored.message_id });
    return stored;
  };
  /** Telegram copies each channel post into the linked group; comments are replies to that copy. */
  const forwardToGroup = (post: SandboxPost) => {
    if (control.setting<boolean>("discussionGroup", true) === false) return;
    const copy = addGroupMessage(
      {
        sender_chat: CHAT,
        text: post.text,
        is_automatic_forward: true,
        forward_origin: {
          type: "channel",
          chat: CHAT,
          message_id: Number(post.id),
          date: Math.floor(clock.now() / 1000),
        },
      },
      true,
    );
    forwards.set(post.id, copy.message_id);
  };
  const isGroup = (chatId: unknown) => String(chatId) === String(GROUP.id);
  const groupId = (messageId: number) => `${GROUP.id}_${messageId}`;

  const knownChat = (chatId: unknown) => chatId === `@${TELEGRAM_CHANNEL}` || String(chatId) === String(CHAT.id);
  const toMessage = (post: SandboxPost) => {
    return {
      message_id: Number(post.id),
      sender_chat: CHAT,
      chat: CHAT,
      date: Math.floor(Date.parse(post.createdAt) / 1000),
      ...(post.data.photo
        ? { photo: [{ file_id: `sbx-photo-${post.id}`, width: 1200, height: 630 }], caption: post.text }
        : { text: post.text }),
      ...(post.edited ? { edit_date: Math.floor(clock.now() / 1000) } : {}),
    };
  };
  const parseText = (params: Record<string, unknown>): Parsed | { error: string } => {
    const raw = String(params.text ?? "");
    const parsed = params.parse_mode === "HTML" ? parseTelegramHtml(raw) : { text: raw, links: [] };
    if ("error" in parsed) return parsed;
    if (!parsed.text.trim()) return { error: "Bad Request: message text is empty" };
    if (parsed.text.length > MAX_CHARS) return { error: "Bad Request: message is too long" };
    return parsed;
  };
  /** A photo's caption: the same markup, 0–1,024 characters after parsing. */
  const parseCaption = (params: Record<string, unknown>): Parsed | { error: string } => {
    const raw = String(params.caption ?? "");
    const parsed = params.parse_mode === "HTML" ? parseTelegramHtml(raw) : { text: raw, links: [] };
    if ("error" in parsed) return parsed;
    if (parsed.text.length > MAX_CAPTION_CHARS) return { error: "Bad Request: message caption is too long" };
    return parsed;
  };

  /** The bot's answer in the discussion group, replying to a comment there. */
  const answerInGroup = (c: Context, params: Record<string, unknown>) => {
    const text = String(params.text ?? "");
    if (!text.trim()) return c.json(envelopeError(400, "Bad Request: message text is empty"), 400);
    if (text.length > MAX_CHARS) return c.json(envelopeError(400, "Bad Request: message is too long"), 400);
    const replyTo = Number(readField(params, "reply_parameters", "message_id") ?? Number.NaN);
    if (!group.has(replyTo)) return c.json(envelopeError(400, "Bad Request: message to be replied not found"), 400);
    const message = addGroupMessage({ from: BOT, text, replyTo }, false);
    store.addComment({
      id: groupId(message.message_id),
      postId: "",
      author: BOT.username,
      kind: "reply",
      text,
      url: `https://t.me/c/${String(GROUP.id).replace(/^-100/, "")}/${message.message_id}`,
      data: { fromBot: true, replyTo: groupId(replyTo) },
    });
    return c.json({ ok: true, result: renderGroupMessage(message) });
  };

  const methods: Record<string, (c: Context, params: Record<string, unknown>) => Response> = {
    getme: (c) => c.json({ ok: true, result: BOT }),
    getchat: (c, params) => {
      if (isGroup(params.chat_id)) return c.json({ ok: true, result: { ...GROUP, linked_chat_id: CHAT.id } });
      if (!knownChat(params.chat_id)) return c.json(envelopeError(400, "Bad Request: chat not found"), 400);
      const linked = control.setting<boolean>("discussionGroup", true) === false ? {} : { linked_chat_id: GROUP.id };
      return c.json({ ok: true, result: { ...CHAT, ...linked } });
    },
    // Updates from offset on; asking with an offset confirms (drops) everything before it.
    getupdates: (c, params) => {
      const offset = Number(params.offset ?? 0) || 0;
      if (offset) updates = updates.filter((u) => u.update_id >= offset);
      const limit = Math.min(Math.max(Number(params.limit ?? 100) || 100, 1), 100);
      const result = updates.slice(0, limit).flatMap((u) => {
        const message = group.get(u.messageId);
        return message ? [{ update_id: u.update_id, message: renderGroupMessage(message) }] : [];
      });
      return c.json({ ok: true, result });
    },
    getchatmember: (c, params) => {
      if (!knownChat(params.chat_id)) return c.json(envelopeError(400, "Bad Request: chat not found"), 400);
      if (String(params.user_id) !== String(BOT.id))
        return c.json({ ok: true, result: { status: "left", user: { id: Number(params.user_id) } } });
      return c.json({
        ok: true,
        result: {
          status: "administrator",
          user: BOT,
          can_post_messages: !control.restricted,
          can_edit_messages: true,
          can_delete_messages: false,
        },
      });
    },
    sendmessage: (c, params) => {
      if (isGroup(params.chat_id)) return answerInGroup(c, params);
      if (!knownChat(params.chat_id)) return c.json(envelopeError(400, "Bad Request: chat not found"), 400);
      if (control.restricted)
        return c.json(envelopeError(400, "Bad Request: need administrator rights in the channel chat"), 400);
      const parsed = parseText(params);
      if ("error" in parsed) return c.json(envelopeError(400, parsed.error), 400);
      const replyTo = readField(params, "reply_parameters", "message_id") ?? params.reply_to_message_id;
      const target = replyTo === undefined ? undefined : store.findPost(String(replyTo));
      if (
        replyTo !== undefined &&
        (!target || target.deleted) &&
        !readField(params, "reply_parameters", "allow_sending_without_reply")
      ) {
        return c.json(envelopeError(400, "Bad Request: message to be replied not found"), 400);
      }
      const id = ++lastMessageId;
      const post = store.addPost({
        id: String(id),
        text: parsed.text,
        url: `https://t.me/${TELEGRAM_CHANNEL}/${id}`,
        replyTo: target ? target.id : undefined,
        data: { html: params.text, links: parsed.links, parseMode: params.parse_mode },
      });
      forwardToGroup(post);
      return c.json({ ok: true, result: toMessage(post) });
    },
    // Telegram fetches `photo` when it is a URL; the sandbox keeps the URL (there is no alt text).
    sendphoto: (c, params) => {
      if (!knownChat(params.chat_id)) return c.json(envelopeError(400, "Bad Request: chat not found"), 400);
      if (control.restricted)
        return c.json(envelopeError(400, "Bad Request: need administrator rights in the channel chat"), 400);
      if (typeof params.photo !== "string" || !params.photo)
        return c.json(envelopeError(400, "Bad Request: there is no photo in the request"), 400);
      const parsed = parseCaption(params);
      if ("error" in parsed) return c.json(envelopeError(400, parsed.error), 400);
      const replyTo = readField(params, "reply_parameters", "message_id");
      const target = replyTo === undefined ? undefined : store.findPost(String(replyTo));
      const id = ++lastMessageId;
      const post = store.addPost({
        id: String(id),
        text: parsed.text,
        url: `https://t.me/${TELEGRAM_CHANNEL}/${id}`,
        replyTo: target && !target.deleted ? target.id : undefined,
        data: { html: params.caption, links: parsed.links, parseMode: params.parse_mode, photo: params.photo },
      });
      forwardToGroup(post);
      return c.json({ ok: true, result: toMessage(post) });
    },
    editmessagecaption: (c, params) => {
      if (!knownChat(params.chat_id)) return c.json(envelopeError(400, "Bad Request: chat not found"), 400);
      const post = store.findPost(String(params.message_id));
      if (!post || post.deleted) return c.json(envelopeError(400, "Bad Request: message to edit not found"), 400);
      if (!post.data.photo)
        return c.json(envelopeError(400, "Bad Request: there is no caption in the message to edit"), 400);
      const parsed = parseCaption(params);
      if ("error" in parsed) return c.json(envelopeError(400, parsed.error), 400);
      if (parsed.text === post.text) return c.json(envelopeError(400, "Bad Request: message is not modified"), 400);
      store.editPost(post, parsed.text);
      post.data.html = params.caption;
      post.data.links = parsed.links;
      return c.json({ ok: true, result: toMessage(post) });
    },
    editmessagetext: (c, params) => {
      if (!knownChat(params.chat_id)) return c.json(envelopeError(400, "Bad Request: chat not found"), 400);
      const post = store.findPost(String(params.message_id));
      if (!post || post.deleted) return c.json(envelopeError(400, "Bad Request: message to edit not found"), 400);
      if (post.data.photo)
        return c.json(envelopeError(400, "Bad Request: there is no text in the message to edit"), 400);
      const parsed = parseText(params);
      if ("error" in parsed) return c.json(envelopeError(400, parsed.error), 400);
      if (parsed.text === post.text) {
        return c.json(
          envelopeError(
            400,
            "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
          ),
          400,
        );
      }
      store.editPost(post, parsed.text);
      post.data.html = params.text;
      post.data.links = parsed.links;
      return c.json({ ok: true, result: toMessage(post) });
    },
    deletemessage: (c, params) => {
      if (isGroup(params.chat_id)) {
        const comment = store.findComment(groupId(Number(params.message_id)));
        if (!comment || comment.deleted || !group.has(Number(params.message_id)))
          return c.json(envelopeError(400, "Bad Request: message to delete not found"), 400);
        if (control.restricted)
          return c.json(envelopeError(400, "Bad Request: message can't be deleted for everyone"), 400);
        comment.deleted = true;
        group.delete(Number(params.message_id));
        return c.json({ ok: true, result: true });
      }
      if (!knownChat(params.chat_id)) return c.json(envelopeError(400, "Bad Request: chat not found"), 400);
      const post = store.findPost(String(params.message_id));
      if (!post || post.deleted) return c.json(envelopeError(400, "Bad Request: message to delete not found"), 400);
      post.deleted = true;
      return c.json({ ok: true, result: true });
    },
  };

  app.on(["GET", "POST"], "/:token/:method", async (c) => {
    const token = c.req.param("token");
    if (!token.startsWith("bot") || !token.includes(":")) return c.json(envelopeError(404, "Not Found"), 404);
    if (token.slice(3) !== TELEGRAM_BOT_TOKEN || control.revoked)
      return c.json(envelopeError(401, "Unauthorized"), 401);
    const method = methods[c.req.param("method").toLowerCase()];
    if (!method) return c.json(envelopeError(404, "Not Found: method not found"), 404);
    return method(c, await readParams(c));
  });

  return {
    platform: "telegram",
    addPublicReply: (input) => {
      if (input.kind && input.kind !== "reply")
        return { error: "the sandbox's Telegram gives comments in the discussion group" };
      // A channel post's number (its copy in the group is answered) or a group message "<chat>_<id>".
      const target = input.postId ?? store.livePosts().at(-1)?.id;
      const inGroup = target?.match(/^-\d+_(\d+)$/);
      const replyTo = inGroup ? Number(inGroup[1]) : target ? forwards.get(target) : undefined;
      if (replyTo === undefined || !group.has(replyTo)) return { error: "no post of ours (or comment) to reply to" };
      const username = (input.author ?? DEFAULT_PUBLIC_AUTHOR).replace(/^@/, "");
      let userId = publicUsers.get(username);
      if (!userId) {
        userId = 5_000_000_001 + publicUsers.size;
        publicUsers.set(username, userId);
      }
      const from = { id: userId, is_bot: false, first_name: username, username };
      const message = addGroupMessage({ from, text: input.text, replyTo }, true);
      const post = [...forwards].find(([, copy]) => copy === replyTo)?.[0];
      return store.addComment({
        id: groupId(message.message_id),
        postId: post ?? "",
        author: username,
        kind: "reply",
        text: input.text,
        url: post
          ? `https://t.me/${TELEGRAM_CHANNEL}/${post}?comment=${message.message_id}`
          : `https://t.me/c/${String(GROUP.id).replace(/^-100/, "")}/${message.message_id}`,
        data: { replyTo: groupId(replyTo) },
      });
    },
    app,
    control,
    store,
    account: (baseUrl) => ({
      platform: "telegram",
      handle: `@${TELEGRAM_CHANNEL}`,
      baseUrl,
      options: { chatId: `@${TELEGRAM_CHANNEL}` },
      credential: { botToken: TELEGRAM_BOT_TOKEN },
    }),
    reset: () => {
      store.clear();
      control.reset();
      lastMessageId = 0;
      group.clear();
      forwards.clear();
      lastGroupMessageId = 0;
      updates = [];
      publicUsers.clear();
    },
  };
}
