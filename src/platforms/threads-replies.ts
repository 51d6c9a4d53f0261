// The Threads side of the shared inbox: the whole conversation under each of our newest posts
// (GET /{media-id}/conversation: replies at every depth), answered with a reply container
// (reply_to_id) published like a post, and replies hidden with manage_reply.
import { z } from "zod";
import { classifyGraphFailure } from "./graph";
import { callApi, checkShape, lostAnswerIsRetry } from "./http";
import { checkRemoteId } from "./remote-ids";
import { isRecent, laterCursor, readFrom } from "./reply-cursor";
import { atHandle } from "./reply-text";
import type {
  AdapterContext,
  AnswerRequest,
  CollectedReply,
  CollectRequest,
  CollectResult,
  PublishResult,
} from "./types";

const REPLY_POSTS = 10;
const PAGE_SIZE = "100";
const MAX_PAGES = 3;
const FIELDS = "id,text,username,timestamp,permalink,replied_to,is_reply_owned_by_me";

const CONVERSATION = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      text: z.string().nullish(),
      username: z.string().nullish(),
      timestamp: z.string(),
      permalink: z.string().nullish(),
      replied_to: z.object({ id: z.string() }).nullish(),
      is_reply_owned_by_me: z.boolean().nullish(),
    }),
  ),
  paging: z
    .object({ cursors: z.object({ after: z.string().nullish() }).nullish(), next: z.string().nullish() })
    .nullish(),
});

export interface ThreadsParts {
  url(ctx: AdapterContext, path: string, params?: Record<string, string>): string;
  token(ctx: AdapterContext): string;
  user(ctx: AdapterContext): string;
  readPermalink(ctx: AdapterContext, id: string): Promise<string>;
}

export async function collectThreadsReplies(
  parts: ThreadsParts,
  ctx: AdapterContext,
  request: CollectRequest,
): Promise<CollectResult> {
  const handle = ctx.account.handle.replace(/^@/, "");
  const from = readFrom(request.cursor);
  const items: CollectedReply[] = [];
  let cursor = request.cursor;
  const posts = request.ownPosts.filter((p) => !checkRemoteId("threads", p.remoteId)).slice(0, REPLY_POSTS);
  for (const post of posts) {
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const params: Record<string, string> = {
        fields: FIELDS,
        reverse: "false",
        limit: PAGE_SIZE,
        access_token: parts.token(ctx),
      };
      if (after) params.after = after;
      const res = checkShape(
        await callApi(ctx.send, parts.url(ctx, `${post.remoteId}/conversation`, params), {}, classifyGraphFailure),
        CONVERSATION,
      );
      // A post deleted since has no conversation; anything else stops the collection.
      if (!res.ok && res.class === "invalid") break;
      if (!res.ok) return res;
      for (const r of res.data.data) {
        cursor = laterCursor(cursor, r.timestamp);
        // Our own later updates and answers are in the conversation too.
        if (r.is_reply_owned_by_me || r.username === handle || !isRecent(r.timestamp, from)) continue;
        items.push({
          remoteId: r.id,
          inReplyTo: r.replied_to?.id ?? post.remoteId,
          kind: "reply",
          authorHandle: atHandle(r.username ?? "okänd"),
          text: r.text ?? "",
          postedAt: r.timestamp,
          url: r.permalink ?? post.remoteUrl ?? undefined,
        });
      }
      after = res.data.paging?.next ? (res.data.paging.cursors?.after ?? undefined) : undefined;
      if (!after) break;
    }
  }
  return { ok: true, items, cursor };
}

export async function answerThreadsReply(
  parts: ThreadsParts,
  ctx: AdapterContext,
  request: AnswerRequest,
): Promise<PublishResult> {
  const bad = checkRemoteId("threads", request.replyId);
  if (bad) return bad;
  const container = await callApi<{ id: string }>(
    ctx.send,
    parts.url(ctx, `${parts.user(ctx)}/threads`),
    {
      method: "POST",
      form: { media_type: "TEXT", text: request.text, reply_to_id: request.replyId, access_token: parts.token(ctx) },
    },
    classifyGraphFailure,
  );
  // An unanswered container request leaves at most an unpublished container: safe to redo.
  if (!container.ok) return lostAnswerIsRetry(container);
  const published = await callApi<{ id: string }>(
    ctx.send,
    parts.url(ctx, `${parts.user(ctx)}/threads_publish`),
    { method: "POST", form: { creation_id: container.data.id, access_token: parts.token(ctx) } },
    classifyGraphFailure,
  );
  if (!published.ok) return published;
  return { ok: true, remoteId: published.data.id, remoteUrl: await parts.readPermalink(ctx, published.data.id) };
}

/** Hides a reply to our post (threads_manage_replies); Threads offers no deleting of others' replies. */
export async function hideThreadsReply(
  parts: ThreadsParts,
  ctx: AdapterContext,
  replyId: string,
): Promise<PublishResult> {
  const bad = checkRemoteId("threads", replyId, "svars-id");
  if (bad) return bad;
  const res = await callApi(
    ctx.send,
    parts.url(ctx, `${replyId}/manage_reply`),
    { method: "POST", form: { hide: "true", access_token: parts.token(ctx) } },
    classifyGraphFailure,
  );
  if (!res.ok) return res;
  return { ok: true, remoteId: replyId, remoteUrl: `https://www.threads.net/@${ctx.account.handle.replace(/^@/, "")}` };
}
