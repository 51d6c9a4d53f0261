// Stand-in for a Mastodon instance: statuses with Idempotency-Key replay for an hour, the
// instance's own limits (URLs count 23), edits, deletes, verify_credentials, X-RateLimit-* headers.
import type { Context } from "hono";
import { type FailureSpec, type RenderedFailure, retryAfterOf } from "./control";
import {
  bearerToken,
  createCounter,
  createPlatformParts,
  DEFAULT_PUBLIC_AUTHOR,
  readParams,
  type SandboxClock,
  type SandboxPlatform,
} from "./platform";
import type { SandboxComment, SandboxPost } from "./store";
import { countMastodonLength } from "./text-length";
import { isImage, readMultipartFile } from "./uploads";

export const MASTODON_TOKEN = "sandbox-mastodon-token";
const ACCOUNT = {
  id: "109000000000000001",
  username: "exempelkommun",
  acct: "exempelkommun",
  display_name: "Exempelkommun",
};
const DEFAULT_MAX_CHARACTERS = 500;
const CHARS_PER_URL = 23;
const IDEMPOTENCY_MS = 60 * 60 * 1000;
const RATE_LIMIT = 300;
const URLS = /https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'’”]/g;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Mastodon stores plain text and serves HTML with links made clickable. */
function toContent(text: string): string {
  const linked = escapeHtml(text).replace(
    URLS,
    (url) => `<a href="${url}" rel="nofollow noopener" target="_blank">${url}</a>`,
  );
  return linked
    .split(/\n{2,}/)
    .map((p) => `<p>${p.replace(/\n/g, "<br />")}</p>`)
    .join("");
}

export function createMastodonSandbox(clock: SandboxClock): SandboxPlatform {
  const resetAt = (seconds: number) => new Date(clock.now() + seconds * 1000).toISOString();
  const render = (spec: FailureSpec): RenderedFailure => {
    if (spec.status === 429) {
      return {
        body: { error: "Too many requests" },
        headers: {
          "X-RateLimit-Limit": String(RATE_LIMIT),
          "X-RateLimit-Remaining": "0",
          "X-RateLimit-Reset": resetAt(retryAfterOf(spec)),
        },
      };
    }
    if (spec.status === 401) return { body: { error: "The access token is invalid" } };
    if (spec.status === 403) return { body: { error: "This action is outside the authorized scopes" } };
    if (spec.status === 422) return { body: { error: "Validation failed: Text can't be blank" } };
    if (spec.status >= 500)
      return { body: { error: "There was a temporary problem serving your request, please try again" } };
    return { body: { error: "Bad request" } };
  };
  const { app, control, store } = createPlatformParts(clock, render);
  const ids = createCounter(113_000_000_000_000_001n);
  const mediaIds = createCounter(114_000_000_000_000_001n);
  /** Polls left before an upload answered with 202 is processed (setting "mediaProcessingPolls"). */
  const processing = new Map<string, number>();
  const keys = new Map<string, { statusId: string; at: number }>();
  const origin = (c: Context) => new URL(c.req.url).origin;

  app.use("*", async (c, next) => {
    await next();
    c.header("X-RateLimit-Limit", String(RATE_LIMIT));
    c.header("X-RateLimit-Remaining", String(RATE_LIMIT - 1));
    c.header("X-RateLimit-Reset", resetAt(300));
  });

  const authorize = (c: Context): Response | undefined => {
    if (bearerToken(c) !== MASTODON_TOKEN) return c.json({ error: "The access token is invalid" }, 401);
    const state = control.tokenState();
    if (state === "revoked") return c.json({ error: "The access token was revoked" }, 401);
    if (state === "expired") return c.json({ error: "The access token expired" }, 401);
    return undefined;
  };

  const toStatus = (c: Context, post: SandboxPost) => {
    return {
      id: post.id,
      created_at: post.createdAt,
      edited_at: post.edited ? new Date(clock.now()).toISOString() : null,
      in_reply_to_id: post.replyTo ?? null,
      visibility: post.data.visibility ?? "public",
      language: post.data.language ?? null,
      uri: `${origin(c)}/users/${ACCOUNT.username}/statuses/${post.id}`,
      url: post.url,
      content: toContent(post.text),
      media_attachments: ((post.data.media ?? []) as { id: string; alt?: string }[]).map((m) => ({
        id: m.id,
        type: "image",
        url: `${origin(c)}/system/media_attachments/${m.id}`,
        description: m.alt ?? null,
      })),
      text: post.deleted ? post.text : undefined,
      account: { ...ACCOUNT, url: `${origin(c)}/@${ACCOUNT.username}` },
    };
  };

  /** A status by someone else, as the instance federated it to us. */
  const toForeignStatus = (comment: SandboxComment) => {
    const [username, domain] = (comment.author ?? DEFAULT_PUBLIC_AUTHOR).replace(/^@/, "").split("@");
    const acct = `${username}@${domain ?? "medborgare.example"}`;
    return {
      id: comment.id,
      created_at: comment.createdAt,
      in_reply_to_id: comment.postId || null,
      in_reply_to_account_id: comment.postId ? ACCOUNT.id : null,
      visibility: "public",
      uri: comment.url,
      url: comment.url,
      content: toContent(comment.text),
      account: { id: `2${comment.id}`, username, acct, url: `https://${domain ?? "medborgare.example"}/@${username}` },
    };
  };

  const validate = (text: string, withMedia = false): string | undefined => {
    const max = control.setting("maxCharacters", DEFAULT_MAX_CHARACTERS);
    if (!text.trim() && !withMedia) return "Validation failed: Text can't be blank";
    if (countMastodonLength(text, CHARS_PER_URL) > max)
      return `Validation failed: Text character limit of ${max} exceeded`;
    return undefined;
  };

  app.get("/api/v2/instance", (c) =>
    c.json({
      domain: new URL(c.req.url).host,
      title: "Kriskanal sandlåda",
      version: "4.3.0",
      configuration: {
        statuses: {
          max_characters: control.setting("maxCharacters", DEFAULT_MAX_CHARACTERS),
          max_media_attachments: 4,
          characters_reserved_per_url: CHARS_PER_URL,
        },
      },
    }),
  );

  app.get("/api/v1/accounts/verify_credentials", (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    if (control.restricted) return c.json({ error: "Your login is currently disabled" }, 403);
    return c.json({
      ...ACCOUNT,
      url: `${origin(c)}/@${ACCOUNT.username}`,
      source: { privacy: "public", language: "sv" },
    });
  });

  const toAttachment = (c: Context, id: string) => {
    const media = store.findMedia(id);
    const ready = !processing.get(id);
    return {
      id,
      type: "image",
      url: ready ? `${origin(c)}/system/media_attachments/${id}` : null,
      preview_url: `${origin(c)}/system/media_attachments/${id}/small`,
      description: media?.alt ?? null,
      blurhash: null,
    };
  };

  // Media first (multipart `file`, alt text as `description`); statuses then name it in media_ids[].
  app.post("/api/v2/media", async (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    if (control.restricted) return c.json({ error: "This action is outside the authorized scopes" }, 403);
    const { file, fields } = await readMultipartFile(c, "file");
    if (!file) return c.json({ error: "Validation failed: File can't be blank" }, 422);
    if (!isImage(file)) return c.json({ error: "Validation failed: File content type is invalid" }, 422);
    const id = mediaIds.next();
    store.addMedia({ id, type: file.type, size: file.bytes.length, alt: fields.description });
    const polls = control.setting("mediaProcessingPolls", 0);
    if (polls > 0) processing.set(id, polls);
    return c.json(toAttachment(c, id), polls > 0 ? 202 : 200);
  });

  app.get("/api/v1/media/:id", (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    const id = c.req.param("id");
    if (!store.findMedia(id)) return c.json({ error: "Record not found" }, 404);
    const left = processing.get(id) ?? 0;
    if (left > 0) processing.set(id, left - 1);
    return c.json(toAttachment(c, id), left > 0 ? 206 : 200);
  });

  app.post("/api/v1/statuses", async (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    if (control.restricted) return c.json({ error: "This action is outside the authorized scopes" }, 403);
    const key = c.req.header("idempotency-key");
    const remembered = key ? keys.get(key) : undefined;
    const repeated =
      remembered && clock.now() - remembered.at < IDEMPOTENCY_MS ? store.findPost(remembered.statusId) : undefined;
    if (repeated) return c.json(toStatus(c, repeated));
    const params = await readParams(c);
    const text = String(params.status ?? "");
    const mediaIdsSent = [params.media_ids ?? params["media_ids[]"] ?? []].flat().map(String);
    const invalid = validate(text, mediaIdsSent.length > 0);
    if (invalid) return c.json({ error: invalid }, 422);
    if (mediaIdsSent.some((id) => !store.findMedia(id)))
      return c.json({ error: "Validation failed: Media attachments are invalid" }, 422);
    if (mediaIdsSent.some((id) => processing.get(id)))
      return c.json({ error: "Cannot attach files that have not finished processing. Try again in a moment!" }, 422);
    const replyTo = params.in_reply_to_id ? String(params.in_reply_to_id) : undefined;
    if (replyTo && !store.findPost(replyTo) && !store.findComment(replyTo))
      return c.json({ error: "Record not found" }, 404);
    const id = ids.next();
    const post = store.addPost({
      id,
      text,
      url: `${origin(c)}/@${ACCOUNT.username}/${id}`,
      replyTo,
      data: {
        idempotencyKey: key,
        visibility: params.visibility ?? "public",
        language: params.language,
        media: mediaIdsSent.map((id) => store.findMedia(id)),
      },
    });
    if (key) keys.set(key, { statusId: id, at: clock.now() });
    return c.json(toStatus(c, post));
  });

  app.put("/api/v1/statuses/:id", async (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    const post = store.findPost(c.req.param("id"));
    if (!post || post.deleted) return c.json({ error: "Record not found" }, 404);
    const params = await readParams(c);
    const text = String(params.status ?? "");
    const invalid = validate(text);
    if (invalid) return c.json({ error: invalid }, 422);
    store.editPost(post, text);
    return c.json(toStatus(c, post));
  });

  app.delete("/api/v1/statuses/:id", (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    const post = store.findPost(c.req.param("id"));
    if (!post || post.deleted) return c.json({ error: "Record not found" }, 404);
    post.deleted = true;
    return c.json(toStatus(c, post));
  });

  app.get("/api/v1/accounts/:id/statuses", (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    if (c.req.param("id") !== ACCOUNT.id) return c.json({ error: "Record not found" }, 404);
    const limit = Number(c.req.query("limit") ?? 20);
    return c.json(
      store
        .livePosts()
        .slice(-limit)
        .reverse()
        .map((p) => toStatus(c, p)),
    );
  });

  // Mentions of the account (a reply to our status mentions us too), newest first, since_id-paged.
  app.get("/api/v1/notifications", (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    const url = new URL(c.req.url);
    const types = url.searchParams.getAll("types[]");
    if (types.length && !types.includes("mention")) return c.json([]);
    const minId = c.req.query("min_id");
    const since = BigInt(minId ?? c.req.query("since_id") ?? "0");
    const limit = Math.min(Number(c.req.query("limit") ?? 40), 80);
    const newer = store.comments.filter((x) => !x.deleted && BigInt(x.id) > since);
    // Mastodon answers since_id with the newest page; min_id pages forward from the oldest.
    const page = (minId ? newer.slice(0, limit) : newer.slice(-limit)).reverse();
    return c.json(
      page.map((x) => ({
        id: x.id,
        type: "mention",
        created_at: x.createdAt,
        account: toForeignStatus(x).account,
        status: toForeignStatus(x),
      })),
    );
  });

  app.get("/api/v1/statuses/:id/context", (c) => {
    const refused = authorize(c);
    if (refused) return refused;
    const post = store.findPost(c.req.param("id"));
    if (!post || post.deleted) return c.json({ error: "Record not found" }, 404);
    const descendants = store.comments.filter((x) => !x.deleted && x.postId === post.id).map(toForeignStatus);
    return c.json({ ancestors: [], descendants });
  });

  return {
    platform: "mastodon",
    addPublicReply: (input) => {
      const post = input.kind === "mention" ? undefined : store.replyTarget(input.postId);
      if (input.kind !== "mention" && !post) return { error: "no post of ours to reply to" };
      const id = ids.next();
      const author = (input.author ?? DEFAULT_PUBLIC_AUTHOR).replace(/^@/, "");
      const [username, domain = "medborgare.example"] = author.split("@");
      return store.addComment({
        id,
        postId: post?.id ?? "",
        author: `${username}@${domain}`,
        kind: input.kind ?? "reply",
        // A reply on Mastodon starts with the mention of whom it answers.
        text: `@${ACCOUNT.username} ${input.text}`,
        url: `https://${domain}/@${username}/${id}`,
      });
    },
    app,
    control,
    store,
    account: (baseUrl) => ({
      platform: "mastodon",
      handle: `@${ACCOUNT.username}`,
      baseUrl,
      options: {},
      credential: { accessToken: MASTODON_TOKEN },
    }),
    reset: () => {
      store.clear();
      control.reset();
      ids.reset();
      mediaIds.reset();
      processing.clear();
      keys.clear();
    },
  };
}
