// The Facebook and Instagram side of the shared inbox: comments on our posts, read per post from
// the Graph API (there is no "everything since" across a Page or an Instagram account), and
// answered in the comment's thread. Meta's webhooks (`feed`, `comments`) would push the same
// comments; the hub polls, so it needs no public callback URL.
import { z } from "zod";
import { classifyGraphFailure } from "./graph";
import { callApi, checkShape, failure } from "./http";
import { checkRemoteId } from "./remote-ids";
import { isRecent, laterCursor, readFrom } from "./reply-cursor";
import { atHandle } from "./reply-text";
import type {
  AdapterContext,
  AnswerRequest,
  CollectedReply,
  CollectRequest,
  CollectResult,
  FailureResult,
  OwnPost,
  PublishResult,
} from "./types";

/** Our newest posts whose comments are read each time: one request (or a few pages) each. */
const COMMENT_POSTS = 10;
const PAGE_SIZE = "100";
const MAX_PAGES = 3;

export interface GraphParts {
  url(ctx: AdapterContext, path: string, params?: Record<string, string>): string;
  token(ctx: AdapterContext): string;
}

const PAGING = z
  .object({ cursors: z.object({ after: z.string().nullish() }).nullish(), next: z.string().nullish() })
  .nullish();

const FACEBOOK_COMMENT = z.object({
  id: z.string(),
  message: z.string().nullish(),
  created_time: z.string(),
  from: z.object({ id: z.string(), name: z.string().nullish() }).nullish(),
  parent: z.object({ id: z.string() }).nullish(),
  permalink_url: z.string().nullish(),
});
const FACEBOOK_COMMENTS = z.object({ data: z.array(FACEBOOK_COMMENT), paging: PAGING });
const FACEBOOK_FIELDS = "id,message,created_time,from{id,name},parent{id},permalink_url";

const INSTAGRAM_COMMENT = z.object({
  id: z.string(),
  text: z.string().nullish(),
  timestamp: z.string(),
  username: z.string().nullish(),
  from: z.object({ id: z.string(), username: z.string().nullish() }).nullish(),
});
const INSTAGRAM_COMMENTS = z.object({
  data: z.array(INSTAGRAM_COMMENT.extend({ replies: z.object({ data: z.array(INSTAGRAM_COMMENT) }).nullish() })),
  paging: PAGING,
});
const INSTAGRAM_REPLY_FIELDS = "id,text,timestamp,username,from{id,username}";
const INSTAGRAM_FIELDS = `${INSTAGRAM_REPLY_FIELDS},replies{${INSTAGRAM_REPLY_FIELDS}}`;

type Page<T> = { data: T[]; paging?: z.infer<typeof PAGING> };

/**
 * Reads every page of one post's comments. A post deleted since (Graph 100) is skipped; a refused
 * token, missing rights or a rate limit stop the whole collection, so the cursor stays put.
 */
async function readPages<T>(
  ctx: AdapterContext,
  pageUrl: (after?: string) => string,
  schema: z.ZodType<Page<T>>,
): Promise<{ ok: true; comments: T[] } | FailureResult> {
  const comments: T[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = checkShape(await callApi(ctx.send, pageUrl(after), {}, classifyGraphFailure), schema);
    if (!res.ok) return res.class === "invalid" ? { ok: true, comments } : res;
    comments.push(...res.data.data);
    after = res.data.paging?.next ? (res.data.paging.cursors?.after ?? undefined) : undefined;
    if (!after) break;
  }
  return { ok: true, comments };
}

function postsToRead(platform: "facebook" | "instagram", posts: OwnPost[]): OwnPost[] {
  return posts.filter((p) => !checkRemoteId(platform, p.remoteId)).slice(0, COMMENT_POSTS);
}

export async function collectFacebookComments(
  parts: GraphParts,
  ctx: AdapterContext,
  request: CollectRequest,
): Promise<CollectResult> {
  const pageId = ctx.account.options.pageId;
  const from = readFrom(request.cursor);
  const items: CollectedReply[] = [];
  let cursor = request.cursor;
  for (const post of postsToRead("facebook", request.ownPosts)) {
    const params: Record<string, string> = {
      fields: FACEBOOK_FIELDS,
      // stream: replies to comments too, in the order they were written.
      filter: "stream",
      order: "chronological",
      limit: PAGE_SIZE,
      access_token: parts.token(ctx),
    };
    if (from !== undefined) params.since = String(Math.floor(from / 1000));
    const read = await readPages(
      ctx,
      (after) => parts.url(ctx, `${post.remoteId}/comments`, after ? { ...params, after } : params),
      FACEBOOK_COMMENTS,
    );
    if (!read.ok) return read;
    for (const c of read.comments) {
      cursor = laterCursor(cursor, c.created_time);
      // The Page's own comments are our answers.
      if (c.from?.id === pageId || !isRecent(c.created_time, from)) continue;
      items.push({
        remoteId: c.id,
        inReplyTo: c.parent?.id ?? post.remoteId,
        kind: "comment",
        // Meta gives the commenter's name, not a handle; without pages_read_user_content, nothing.
        authorHandle: c.from?.name ?? c.from?.id ?? "okänd",
        text: c.message ?? "",
        postedAt: c.created_time,
        url: c.permalink_url ?? `https://www.facebook.com/${c.id}`,
      });
    }
  }
  return { ok: true, items, cursor };
}

export async function answerFacebookComment(
  parts: GraphParts,
  ctx: AdapterContext,
  request: AnswerRequest,
): Promise<PublishResult> {
  const bad = checkRemoteId("facebook", request.replyId, "kommentars-id");
  if (bad) return bad;
  // Facebook has two levels: an answer to a reply lands in the same thread under its top comment.
  const res = await callApi<{ id?: string }>(
    ctx.send,
    parts.url(ctx, `${request.replyId}/comments`),
    { method: "POST", form: { message: request.text, access_token: parts.token(ctx) } },
    classifyGraphFailure,
  );
  if (!res.ok) return res;
  const id = res.data?.id;
  if (!id) return failure("unconfirmed", "Graph svarade utan id för kommentaren");
  const link = await callApi<{ permalink_url?: string }>(
    ctx.send,
    parts.url(ctx, id, { fields: "permalink_url", access_token: parts.token(ctx) }),
    {},
    classifyGraphFailure,
  );
  const remoteUrl = link.ok && link.data?.permalink_url ? link.data.permalink_url : `https://www.facebook.com/${id}`;
  return { ok: true, remoteId: id, remoteUrl };
}

export async function collectInstagramComments(
  parts: GraphParts,
  ctx: AdapterContext,
  request: CollectRequest,
): Promise<CollectResult> {
  const me = ctx.account.options.igUserId;
  const handle = ctx.account.handle.replace(/^@/, "");
  const ours = (c: z.infer<typeof INSTAGRAM_COMMENT>) => c.from?.id === me || c.username === handle;
  // Instagram's comments edge takes no `since`: comments are filtered by their timestamp here.
  const from = readFrom(request.cursor);
  const items: CollectedReply[] = [];
  let cursor = request.cursor;
  for (const post of postsToRead("instagram", request.ownPosts)) {
    const params = { fields: INSTAGRAM_FIELDS, limit: PAGE_SIZE, access_token: parts.token(ctx) };
    const read = await readPages(
      ctx,
      (after) => parts.url(ctx, `${post.remoteId}/comments`, after ? { ...params, after } : params),
      INSTAGRAM_COMMENTS,
    );
    if (!read.ok) return read;
    const url = post.remoteUrl ?? `https://www.instagram.com/${handle}/`;
    const take = (c: z.infer<typeof INSTAGRAM_COMMENT>, inReplyTo: string) => {
      cursor = laterCursor(cursor, c.timestamp);
      if (ours(c) || !isRecent(c.timestamp, from)) return;
      items.push({
        remoteId: c.id,
        inReplyTo,
        kind: "comment",
        authorHandle: atHandle(c.username ?? c.from?.username ?? c.from?.id ?? "okänd"),
        text: c.text ?? "",
        postedAt: c.timestamp,
        // A comment has no permalink of its own: the post's is the way to it.
        url,
      });
    };
    for (const c of read.comments) {
      take(c, post.remoteId);
      for (const r of c.replies?.data ?? []) take(r, c.id);
    }
  }
  return { ok: true, items, cursor };
}

export async function answerInstagramComment(
  parts: GraphParts,
  ctx: AdapterContext,
  request: AnswerRequest,
): Promise<PublishResult> {
  const bad = checkRemoteId("instagram", request.replyId, "kommentars-id");
  if (bad) return bad;
  // Only top-level comments take replies; Meta adds an answer to a reply to its top-level comment.
  const res = await callApi<{ id?: string }>(
    ctx.send,
    parts.url(ctx, `${request.replyId}/replies`),
    { method: "POST", form: { message: request.text, access_token: parts.token(ctx) } },
    classifyGraphFailure,
  );
  if (!res.ok) return res;
  const id = res.data?.id;
  if (!id) return failure("unconfirmed", "Graph svarade utan id för svaret");
  return { ok: true, remoteId: id, remoteUrl: `https://www.instagram.com/${ctx.account.handle.replace(/^@/, "")}/` };
}

/** Hides a comment (kept, out of view) or deletes it when the account says so (commentRemoval=delete). */
export async function removeGraphComment(
  parts: GraphParts,
  ctx: AdapterContext,
  platform: "facebook" | "instagram",
  commentId: string,
): Promise<PublishResult> {
  const bad = checkRemoteId(platform, commentId, "kommentars-id");
  if (bad) return bad;
  const remove = ctx.account.options.commentRemoval === "delete";
  // Facebook names the field is_hidden; Instagram names it hide.
  const hideField = platform === "facebook" ? "is_hidden" : "hide";
  const res = await callApi<{ success?: boolean } | undefined>(
    ctx.send,
    parts.url(ctx, commentId, remove ? { access_token: parts.token(ctx) } : {}),
    remove ? { method: "DELETE" } : { method: "POST", form: { [hideField]: "true", access_token: parts.token(ctx) } },
    classifyGraphFailure,
  );
  if (!res.ok) return res;
  if (res.data?.success === false) return failure("invalid", "Graph svarade success=false");
  const remoteUrl =
    platform === "facebook"
      ? `https://www.facebook.com/${commentId}`
      : `https://www.instagram.com/${ctx.account.handle.replace(/^@/, "")}/`;
  return { ok: true, remoteId: commentId, remoteUrl };
}
