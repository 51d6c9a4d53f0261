// The Mastodon side of the shared inbox. Mentions come from /api/v1/notifications, paged forward
// with min_id (the cursor) so a burst larger than one page is read in order and nothing twice;
// a reply that does not mention us is found in the context of our latest statuses.
import { z } from "zod";
import { callApi, checkShape } from "./http";
import { checkRemoteId } from "./remote-ids";
import { atHandle, htmlToText } from "./reply-text";
import type {
  AdapterContext,
  AnswerRequest,
  CollectedReply,
  CollectRequest,
  CollectResult,
  FailureResult,
  PublishResult,
} from "./types";

const PAGE_SIZE = 40;
const MAX_PAGES = 5;
/** Contexts read per collection: our newest statuses, where replies still come in. */
const CONTEXT_POSTS = 5;

const STATUS = z.object({
  id: z.string(),
  created_at: z.string(),
  in_reply_to_id: z.string().nullish(),
  in_reply_to_account_id: z.string().nullish(),
  content: z.string().nullish(),
  url: z.string().nullish(),
  uri: z.string().nullish(),
  account: z.object({ id: z.string(), acct: z.string() }),
});
type Status = z.infer<typeof STATUS>;
const NOTIFICATION = z.object({ id: z.string(), type: z.string(), status: STATUS.nullish() });

export interface MastodonReplyParts {
  base(ctx: AdapterContext): string;
  auth(ctx: AdapterContext): Record<string, string>;
  readAccountId(ctx: AdapterContext): Promise<{ ok: true; id: string } | FailureResult>;
}

function toCollected(status: Status, me: string): CollectedReply {
  return {
    remoteId: status.id,
    inReplyTo: status.in_reply_to_id ?? undefined,
    kind: status.in_reply_to_account_id === me ? "reply" : "mention",
    authorHandle: atHandle(status.account.acct),
    text: htmlToText(status.content ?? ""),
    postedAt: status.created_at,
    url: status.url ?? status.uri ?? undefined,
  };
}

export async function collectMastodonReplies(
  parts: MastodonReplyParts,
  ctx: AdapterContext,
  request: CollectRequest,
): Promise<CollectResult> {
  const me = await parts.readAccountId(ctx);
  if (!me.ok) return me;
  const items = new Map<string, CollectedReply>();
  let cursor = request.cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ "types[]": "mention", limit: String(PAGE_SIZE) });
    if (cursor) query.set("min_id", cursor);
    const res = checkShape(
      await callApi(ctx.send, `${parts.base(ctx)}/api/v1/notifications?${query}`, { headers: parts.auth(ctx) }),
      z.array(NOTIFICATION),
    );
    if (!res.ok) return res;
    for (const n of res.data) {
      if (n.status && n.status.account.id !== me.id) items.set(n.status.id, toCollected(n.status, me.id));
    }
    // Pages come newest first; the newest id read is where the next look starts.
    const newest = res.data[0]?.id;
    if (!newest) break;
    cursor = newest;
    if (res.data.length < PAGE_SIZE) break;
  }
  for (const post of request.ownPosts.slice(0, CONTEXT_POSTS)) {
    if (checkRemoteId("mastodon", post.remoteId)) continue;
    const res = checkShape(
      await callApi(ctx.send, `${parts.base(ctx)}/api/v1/statuses/${encodeURIComponent(post.remoteId)}/context`, {
        headers: parts.auth(ctx),
      }),
      z.object({ descendants: z.array(STATUS) }),
    );
    // A status deleted since is no reason to lose the mentions already read.
    if (!res.ok) {
      if (res.class === "retry") return res;
      continue;
    }
    for (const s of res.data.descendants) {
      if (s.account.id !== me.id && !items.has(s.id)) items.set(s.id, toCollected(s, me.id));
    }
  }
  return { ok: true, items: [...items.values()], cursor };
}

export async function answerMastodonReply(
  parts: Pick<MastodonReplyParts, "base" | "auth">,
  ctx: AdapterContext,
  request: AnswerRequest,
  statusUrl: (id: string, url?: string | null) => string,
): Promise<PublishResult> {
  const bad = checkRemoteId("mastodon", request.replyId);
  if (bad) return bad;
  // The author is mentioned, or Mastodon does not tell them of the answer.
  const mention = request.authorHandle ? `${atHandle(request.authorHandle)} ` : "";
  const res = await callApi<{ id: string; url?: string | null }>(ctx.send, `${parts.base(ctx)}/api/v1/statuses`, {
    method: "POST",
    headers: { ...parts.auth(ctx), "idempotency-key": request.idempotencyKey },
    json: {
      status: `${mention}${request.text}`,
      in_reply_to_id: request.replyId,
      visibility: "public",
      language: "sv",
    },
  });
  if (!res.ok) return res;
  return { ok: true, remoteId: res.data.id, remoteUrl: statusUrl(res.data.id, res.data.url) };
}
