// Stand-in for X API v2 posts: JSON only with unknown keys refused, 201 with a numeric id, 403 on
// duplicate text, t.co-wrapped links in what it returns, and x-rate-limit-* headers; mentions of
// the account (since_id, pagination_token, the users expansion) and hidden replies.

import type { Context } from "hono";
import twitterText from "twitter-text";
import { type FailureSpec, type RenderedFailure, retryAfterOf } from "./control";
import {
  bearerToken,
  createCounter,
  createPlatformParts,
  DEFAULT_PUBLIC_AUTHOR,
  readField,
  type SandboxClock,
  type SandboxPlatform,
} from "./platform";
import { countXLength } from "./text-length";
import { isImage, readMultipartFile } from "./uploads";

export const X_TOKEN = "sandbox-x-user-token";
const USER = { id: "1500000000000000001", name: "Exempelkommun", username: "exempelkommun" };
const MAX_WEIGHTED = 280;
const RATE_LIMIT = 100;
const ALLOWED_KEYS = new Set([
  "text",
  "media",
  "reply",
  "quote_tweet_id",
  "poll",
  "reply_settings",
  "community_id",
  "for_super_followers_only",
  "nullcast",
  "made_with_ai",
  "paid_partnership",
  "card_uri",
  "edit_options",
]);

function problem(status: number, title: string, detail: string, type = "about:blank") {
  return { title, detail, type, status };
}

export function createXSandbox(clock: SandboxClock): SandboxPlatform {
  const render = (spec: FailureSpec): RenderedFailure => {
    if (spec.status === 429) {
      const reset = Math.ceil(clock.now() / 1000) + retryAfterOf(spec);
      return {
        body: problem(429, "Too Many Requests", "Too Many Requests"),
        headers: {
          "x-rate-limit-limit": String(RATE_LIMIT),
          "x-rate-limit-remaining": "0",
          "x-rate-limit-reset": String(reset),
        },
      };
    }
    if (spec.status === 401) return { body: problem(401, "Unauthorized", "Unauthorized") };
    if (spec.status === 403)
      return {
        body: problem(
          403,
          "Forbidden",
          "You are not permitted to perform this action.",
          "https://api.x.com/2/problems/client-forbidden",
        ),
      };
    if (spec.status >= 500) return { body: problem(spec.status, "Service Unavailable", "Service Unavailable") };
    return {
      body: problem(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        "https://api.x.com/2/problems/invalid-request",
      ),
    };
  };
  const { app, control, store } = createPlatformParts(clock, render);
  const ids = createCounter(1_900_000_000_000_000_001n);
  const mediaIds = createCounter(1_880_000_000_000_000_001n);
  const invalidRequest = (c: Context, detail: string) =>
    c.json(problem(400, "Invalid Request", detail, "https://api.x.com/2/problems/invalid-request"), 400);
  let shortLinks = 0;

  app.use("*", async (c, next) => {
    await next();
    c.header("x-rate-limit-limit", String(RATE_LIMIT));
    c.header("x-rate-limit-remaining", String(RATE_LIMIT - 1));
    c.header("x-rate-limit-reset", String(Math.ceil(clock.now() / 1000) + 900));
  });

  const authorize = (c: Context): Response | undefined => {
    const state = control.tokenState();
    if (bearerToken(c) !== X_TOKEN || state !== "ok") return c.json(problem(401, "Unauthorized", "Unauthorized"), 401);
    return undefined;
  };

  /** X rewrites every URL to t.co and keeps the original in entities. */
  const wrapLinks = (text: string) => {
    const urls: { url: string; expanded_url: string; display_url: string; start: number; end: number }[] = [];
    let shortened = "";
    let last = 0;
    for (const entity of twitterText.extractUrlsWithIndices(text)) {
      const [start, end] = entity.indices;
      const tco = `https://t.co/sbx${String(++shortLinks).padStart(7, "0")}`;
      shortened += text.slice(last, start);
      urls.push({
        url: tco,
        expanded_url: entity.url,
        display_url: entity.url.replace(/^https?:\/\//, ""),
        start: shortened.length,
        end: shortened.length + tco.length,
      });
      shortened += tco;
      last = end;
    }
    return { text: shortened + text.slice(last), urls };
  };

  // Media upload (multipart `media` and `media_category`), then alt text through metadata.
  app.post("/2/media/upload", async (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    const { file, fields } = await readMultipartFile(c, "media");
    if (!file || !isImage(file)) return invalidRequest(c, "The media field must hold an image file.");
    if (fields.media_category !== "tweet_image") return invalidRequest(c, "media_category must be tweet_image.");
    const id = mediaIds.next();
    store.addMedia({ id, type: file.type, size: file.bytes.length });
    return c.json({ data: { id, media_key: `3_${id}`, size: file.bytes.length, expires_after_secs: 86_400 } });
  });

  app.post("/2/media/metadata", async (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    const body = (await c.req.json().catch(() => null)) as {
      id?: string;
      metadata?: { alt_text?: { text?: unknown } };
    } | null;
    const media = body?.id ? store.findMedia(body.id) : undefined;
    if (!media) return invalidRequest(c, "The media id does not exist.");
    const alt = body?.metadata?.alt_text?.text;
    if (typeof alt !== "string" || alt.length > 1_000)
      return invalidRequest(c, "alt_text.text must be 1–1000 characters.");
    media.alt = alt;
    return c.json({ data: { id: media.id, associated_metadata: { alt_text: { text: alt } } } });
  });

  app.post("/2/tweets", async (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    if (!(c.req.header("content-type") ?? "").includes("application/json")) {
      return c.json(
        problem(
          400,
          "Invalid Request",
          "Content-Type must be application/json",
          "https://api.x.com/2/problems/invalid-request",
        ),
        400,
      );
    }
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    const unknown = body ? Object.keys(body).filter((k) => !ALLOWED_KEYS.has(k)) : ["(body)"];
    if (!body || unknown.length) {
      return c.json(
        problem(
          400,
          "Invalid Request",
          `Unknown or invalid fields: ${unknown.join(", ")}`,
          "https://api.x.com/2/problems/invalid-request",
        ),
        400,
      );
    }
    if (control.restricted) {
      return c.json(
        problem(
          403,
          "Forbidden",
          "Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.",
          "https://api.x.com/2/problems/client-forbidden",
        ),
        403,
      );
    }
    const text = String(body.text ?? "");
    if (!text || countXLength(text) > MAX_WEIGHTED) {
      return c.json(
        problem(
          400,
          "Invalid Request",
          "Text is empty or longer than 280 weighted characters.",
          "https://api.x.com/2/problems/invalid-request",
        ),
        400,
      );
    }
    const mediaIds = readField(body, "media", "media_ids");
    const mediaSent = (Array.isArray(mediaIds) ? mediaIds : []).map(String);
    if (mediaSent.length > 4 || mediaSent.some((id) => !store.findMedia(id)))
      return invalidRequest(c, "media.media_ids must name 1–4 uploaded media.");
    const previousId = readField(body, "edit_options", "previous_post_id");
    const previous = typeof previousId === "string" ? store.findPost(previousId) : undefined;
    if (previousId && (!previous || previous.deleted)) {
      return c.json(
        problem(
          400,
          "Invalid Request",
          "The post to edit does not exist.",
          "https://api.x.com/2/problems/invalid-request",
        ),
        400,
      );
    }
    if (!previous && store.livePosts().some((p) => p.data.original === text && !p.edited)) {
      return c.json(problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."), 403);
    }
    const replyTo = readField(body, "reply", "in_reply_to_tweet_id");
    const target = typeof replyTo === "string" ? (store.findPost(replyTo) ?? store.findComment(replyTo)) : undefined;
    if (replyTo && (!target || target.deleted)) {
      return c.json(
        problem(403, "Forbidden", "You attempted to reply to a Tweet that is deleted or not visible to you."),
        403,
      );
    }
    const id = ids.next();
    const wrapped = wrapLinks(text);
    const history = previous ? [...((previous.data.history as string[]) ?? [previous.id]), id] : [id];
    // An edit is a new post; the old id stays in the history, superseded.
    if (previous) previous.edited = true;
    store.addPost({
      id,
      text: wrapped.text,
      url: `https://x.com/${USER.username}/status/${id}`,
      replyTo: target?.id,
      data: {
        original: text,
        urls: wrapped.urls,
        history,
        editOf: previousId,
        media: mediaSent.map((id) => ({ ...store.findMedia(id) })),
      },
    });
    return c.json({ data: { id, text: wrapped.text, edit_history_post_ids: history } }, 201);
  });

  app.delete("/2/tweets/:id", async (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    const post = store.findPost(c.req.param("id"));
    if (!post || post.deleted) return c.json({ data: { deleted: false } });
    post.deleted = true;
    return c.json({ data: { deleted: true } });
  });

  app.get("/2/users/me", (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    c.header("x-access-level", control.restricted ? "read" : "read-write");
    return c.json({ data: USER });
  });

  app.get("/2/users/:id/tweets", (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    if (c.req.param("id") !== USER.id) return c.json({ data: [], meta: { result_count: 0 } });
    const max = Number(c.req.query("max_results") ?? 10);
    const withEntities = (c.req.query("tweet.fields") ?? "").includes("entities");
    const startTime = c.req.query("start_time");
    if (startTime !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(startTime))
      return c.json({ title: "Invalid Request", detail: `Invalid start_time: ${startTime}`, type: "about:blank" }, 400);
    const since = startTime ? Date.parse(startTime) : Number.NEGATIVE_INFINITY;
    const data = store
      .livePosts()
      .filter((p) => !p.edited && Date.parse(p.createdAt) >= since)
      .slice(-max)
      .reverse()
      .map((p) => ({ id: p.id, text: p.text, ...(withEntities ? { entities: { urls: p.data.urls } } : {}) }));
    return c.json({ data, meta: { result_count: data.length } });
  });

  /** The public's accounts, one id per username, as the users expansion names them. */
  const publicUsers = new Map<string, string>();
  const publicUserId = (username: string) => {
    let id = publicUsers.get(username);
    if (!id) {
      id = String(1_600_000_000_000_000_001n + BigInt(publicUsers.size));
      publicUsers.set(username, id);
    }
    return id;
  };

  // Posts that mention the account (replies to our posts do), newest first, since_id and pagination_token.
  app.get("/2/users/:id/mentions", (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    if (c.req.param("id") !== USER.id) return c.json({ meta: { result_count: 0 } });
    const max = Math.min(Math.max(Number(c.req.query("max_results") ?? 10), 5), 100);
    const sinceId = c.req.query("since_id");
    const start = Number(c.req.query("pagination_token")?.replace(/^sbx/, "") ?? 0) || 0;
    const all = store.comments
      .filter((x) => !x.deleted && (!sinceId || BigInt(x.id) > BigInt(sinceId)))
      .slice()
      .reverse();
    const page = all.slice(start, start + max);
    if (!page.length) return c.json({ meta: { result_count: 0 } });
    const data = page.map((x) => ({
      id: x.id,
      text: x.text,
      author_id: x.data?.authorId,
      created_at: x.createdAt,
      conversation_id: x.data?.conversationId,
      ...(x.data?.inReplyTo
        ? {
            in_reply_to_user_id: x.data.inReplyToUserId,
            referenced_tweets: [{ type: "replied_to", id: x.data.inReplyTo }],
          }
        : {}),
    }));
    const users = [...new Set(page.map((x) => String(x.author)))].map((username) => ({
      id: publicUserId(username),
      username,
      name: username,
    }));
    const more = start + max < all.length;
    return c.json({
      data,
      includes: { users },
      meta: {
        result_count: data.length,
        newest_id: data[0].id,
        oldest_id: data.at(-1)?.id,
        ...(more ? { next_token: `sbx${start + max}` } : {}),
      },
    });
  });

  // Hide replies: only a reply in a conversation the account started.
  app.put("/2/tweets/:id/hidden", async (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    const reply = store.findComment(c.req.param("id"));
    const body = (await c.req.json().catch(() => null)) as { hidden?: unknown } | null;
    if (typeof body?.hidden !== "boolean") return invalidRequest(c, "hidden must be true or false.");
    if (!reply || reply.deleted || !reply.data?.inReplyTo) {
      return c.json(problem(403, "Forbidden", "You can only hide replies to conversations you started."), 403);
    }
    reply.hidden = body.hidden;
    return c.json({ data: { hidden: reply.hidden } });
  });

  return {
    platform: "x",
    addPublicReply: (input) => {
      const kind = input.kind ?? "reply";
      if (kind === "quote") return { error: "the sandbox's X gives mentions and replies" };
      const targetId = kind === "mention" ? undefined : (input.postId ?? store.replyTarget()?.id);
      const ourPost = targetId ? store.findPost(targetId) : undefined;
      const target = ourPost ?? (targetId ? store.findComment(targetId) : undefined);
      if (kind === "reply" && (!target || target.deleted)) return { error: "no post of ours to reply to" };
      const username = (input.author ?? DEFAULT_PUBLIC_AUTHOR).replace(/^@/, "");
      const id = ids.next();
      return store.addComment({
        id,
        postId: target?.id ?? "",
        author: username,
        kind,
        // X starts a reply with the handles it answers; a mention names us where the writer likes.
        text: `@${USER.username} ${input.text}`,
        url: `https://x.com/${username}/status/${id}`,
        data: {
          authorId: publicUserId(username),
          conversationId: target?.id ?? id,
          ...(target
            ? {
                inReplyTo: target.id,
                inReplyToUserId: ourPost ? USER.id : publicUserId(String(store.findComment(target.id)?.author)),
              }
            : {}),
        },
      });
    },
    app,
    control,
    store,
    account: (baseUrl) => ({
      platform: "x",
      handle: `@${USER.username}`,
      baseUrl,
      options: {},
      credential: { accessToken: X_TOKEN },
    }),
    reset: () => {
      store.clear();
      control.reset();
      ids.reset();
      mediaIds.reset();
      shortLinks = 0;
      publicUsers.clear();
    },
  };
}
