// The X side of the shared inbox: mentions of the account (a reply to our post mentions us too),
// read with since_id so each look asks only for what is new, newest first and paged back with
// pagination_token. Reading mentions needs a paid API tier (Basic or higher); the Free tier
// answers 403 or 429, which shows on the account's inbox status.
import { z } from "zod";
import { type Classifier, callApi, checkShape } from "./http";
import { checkRemoteId } from "./remote-ids";
import { atHandle } from "./reply-text";
import type {
  AdapterContext,
  AnswerRequest,
  CollectedReply,
  CollectRequest,
  CollectResult,
  FailureResult,
  PublishResult,
} from "./types";

const PAGE_SIZE = "100";
const MAX_PAGES = 3;

const MENTIONS = z.object({
  data: z
    .array(
      z.object({
        id: z.string(),
        text: z.string(),
        author_id: z.string().nullish(),
        created_at: z.string().nullish(),
        in_reply_to_user_id: z.string().nullish(),
        referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).nullish(),
      }),
    )
    .nullish(),
  includes: z.object({ users: z.array(z.object({ id: z.string(), username: z.string() })).nullish() }).nullish(),
  meta: z.object({ newest_id: z.string().nullish(), next_token: z.string().nullish() }).nullish(),
});

export interface XReplyParts {
  base(ctx: AdapterContext): string;
  auth(ctx: AdapterContext): Record<string, string>;
  readUserId(ctx: AdapterContext): Promise<{ ok: true; id: string } | FailureResult>;
  classify: Classifier;
}

const postUrl = (username: string | undefined, id: string) =>
  username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`;

function newerId(a: string | undefined, b: string | null | undefined): string | undefined {
  if (!b || !/^\d+$/.test(b)) return a;
  return !a || BigInt(b) > BigInt(a) ? b : a;
}

export async function collectXMentions(
  parts: XReplyParts,
  ctx: AdapterContext,
  request: CollectRequest,
): Promise<CollectResult> {
  const me = await parts.readUserId(ctx);
  if (!me.ok) return me;
  const items: CollectedReply[] = [];
  let cursor = request.cursor;
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({
      max_results: PAGE_SIZE,
      "tweet.fields": "created_at,author_id,in_reply_to_user_id,referenced_tweets,conversation_id",
      expansions: "author_id",
      "user.fields": "username",
    });
    if (request.cursor) query.set("since_id", request.cursor);
    if (token) query.set("pagination_token", token);
    const res = checkShape(
      await callApi(
        ctx.send,
        `${parts.base(ctx)}/2/users/${encodeURIComponent(me.id)}/mentions?${query}`,
        { headers: parts.auth(ctx) },
        parts.classify,
      ),
      MENTIONS,
    );
    if (!res.ok) return res;
    const names = new Map((res.data.includes?.users ?? []).map((u) => [u.id, u.username]));
    for (const post of res.data.data ?? []) {
      cursor = newerId(cursor, post.id);
      if (post.author_id === me.id) continue;
      const username = post.author_id ? names.get(post.author_id) : undefined;
      items.push({
        remoteId: post.id,
        inReplyTo: post.referenced_tweets?.find((t) => t.type === "replied_to")?.id,
        kind: post.in_reply_to_user_id === me.id ? "reply" : "mention",
        authorHandle: atHandle(username ?? post.author_id ?? "okänd"),
        text: post.text,
        postedAt: post.created_at ?? ctx.now().toISOString(),
        url: postUrl(username, post.id),
      });
    }
    cursor = newerId(cursor, res.data.meta?.newest_id);
    token = res.data.meta?.next_token ?? undefined;
    // Without a since_id the first look takes the newest page only: history is not the inbox.
    if (!token || !request.cursor) break;
  }
  return { ok: true, items, cursor };
}

export async function answerXMention(
  parts: Pick<XReplyParts, "base" | "auth" | "classify">,
  ctx: AdapterContext,
  request: AnswerRequest,
): Promise<PublishResult> {
  const bad = checkRemoteId("x", request.replyId);
  if (bad) return bad;
  // Self-serve tiers may reply only where the account was mentioned: a collected mention is.
  const res = await callApi<{ data: { id: string } }>(
    ctx.send,
    `${parts.base(ctx)}/2/tweets`,
    {
      method: "POST",
      headers: parts.auth(ctx),
      json: { text: request.text, reply: { in_reply_to_tweet_id: request.replyId } },
    },
    parts.classify,
  );
  if (!res.ok) return res;
  return { ok: true, remoteId: res.data.data.id, remoteUrl: postUrl(undefined, res.data.data.id) };
}

/** Hides a reply in a conversation we started (PUT /2/tweets/:id/hidden); X deletes no one else's post. */
export async function hideXReply(
  parts: Pick<XReplyParts, "base" | "auth" | "classify">,
  ctx: AdapterContext,
  replyId: string,
): Promise<PublishResult> {
  const bad = checkRemoteId("x", replyId, "svars-id");
  if (bad) return bad;
  const res = await callApi<{ data?: { hidden?: boolean } }>(
    ctx.send,
    `${parts.base(ctx)}/2/tweets/${encodeURIComponent(replyId)}/hidden`,
    { method: "PUT", headers: parts.auth(ctx), json: { hidden: true } },
    parts.classify,
  );
  if (!res.ok) return res;
  return { ok: true, remoteId: replyId, remoteUrl: postUrl(undefined, replyId) };
}
