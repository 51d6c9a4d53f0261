// The LinkedIn side of the shared inbox: comments on our organization's posts through the
// Community Management API (socialActions), read per post with their one level of replies, and
// answered as a nested comment (parentComment) by the organization. Without that API product the
// calls answer 403, which shows on the account's inbox status. Comments name their author by a
// member URN only: LinkedIn gives no names of other members to an organization's token.
import { z } from "zod";
import { type Classifier, callApi, checkShape, failure } from "./http";
import { checkRemoteId, isRemoteId } from "./remote-ids";
import { isRecent, laterCursor, readFrom } from "./reply-cursor";
import type {
  AdapterContext,
  AnswerRequest,
  CollectedReply,
  CollectRequest,
  CollectResult,
  FailureResult,
  PublishResult,
} from "./types";

const COMMENT_POSTS = 10;
const PAGE_SIZE = 100;
const MAX_PAGES = 3;
/** Comments whose replies are read in one look, so one busy post cannot use the day's quota. */
const NESTED_READS = 20;
const COMMENT_URN = /^urn:li:comment:\((urn:li:[A-Za-z]+:\d+),(\d+)\)$/;

const COMMENT = z.object({
  id: z.string().nullish(),
  commentUrn: z.string(),
  actor: z.string().nullish(),
  message: z.object({ text: z.string().nullish() }).nullish(),
  created: z.object({ time: z.number() }).nullish(),
  parentComment: z.string().nullish(),
  commentsSummary: z.object({ aggregatedTotalComments: z.number().nullish() }).nullish(),
});
type Comment = z.infer<typeof COMMENT>;
const COMMENTS = z.object({
  elements: z.array(COMMENT),
  paging: z.object({ start: z.number().nullish(), count: z.number().nullish(), total: z.number().nullish() }).nullish(),
});

export interface LinkedInReplyParts {
  base(ctx: AdapterContext): string;
  headers(ctx: AdapterContext, extra?: Record<string, string>): Record<string, string>;
  classify: Classifier;
}

async function readComments(
  parts: LinkedInReplyParts,
  ctx: AdapterContext,
  target: string,
): Promise<{ ok: true; comments: Comment[] } | FailureResult> {
  const comments: Comment[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ start: String(page * PAGE_SIZE), count: String(PAGE_SIZE) });
    const res = checkShape(
      await callApi(
        ctx.send,
        `${parts.base(ctx)}/rest/socialActions/${encodeURIComponent(target)}/comments?${query}`,
        { headers: parts.headers(ctx) },
        parts.classify,
      ),
      COMMENTS,
    );
    // A post deleted since (404) has no comments left to read; anything else stops the look.
    if (!res.ok) return res.class === "invalid" ? { ok: true, comments } : res;
    comments.push(...res.data.elements);
    const total = res.data.paging?.total ?? 0;
    if (res.data.elements.length < PAGE_SIZE || (page + 1) * PAGE_SIZE >= total) break;
  }
  return { ok: true, comments };
}

export async function collectLinkedInComments(
  parts: LinkedInReplyParts,
  ctx: AdapterContext,
  request: CollectRequest,
): Promise<CollectResult> {
  const org = ctx.account.options.organizationUrn;
  const from = readFrom(request.cursor);
  const items: CollectedReply[] = [];
  let cursor = request.cursor;
  let nestedLeft = NESTED_READS;
  const posts = request.ownPosts.filter((p) => isRemoteId("linkedin", p.remoteId)).slice(0, COMMENT_POSTS);
  for (const post of posts) {
    const top = await readComments(parts, ctx, post.remoteId);
    if (!top.ok) return top;
    const all = [...top.comments];
    for (const c of top.comments) {
      if (!c.commentsSummary?.aggregatedTotalComments || nestedLeft <= 0) continue;
      nestedLeft--;
      const nested = await readComments(parts, ctx, c.commentUrn);
      if (!nested.ok) return nested;
      all.push(...nested.comments.map((n) => ({ ...n, parentComment: n.parentComment ?? c.commentUrn })));
    }
    for (const c of all) {
      const time = c.created?.time;
      cursor = laterCursor(cursor, time);
      if (c.actor === org || !isRecent(time, from)) continue;
      items.push({
        remoteId: c.commentUrn,
        inReplyTo: c.parentComment ?? post.remoteId,
        kind: "comment",
        authorHandle: c.actor ?? "okänd",
        text: c.message?.text ?? "",
        postedAt: new Date(time ?? ctx.now().getTime()).toISOString(),
        url: `https://www.linkedin.com/feed/update/${post.remoteId}/?commentUrn=${encodeURIComponent(c.commentUrn)}`,
      });
    }
  }
  return { ok: true, items, cursor };
}

export async function answerLinkedInComment(
  parts: LinkedInReplyParts,
  ctx: AdapterContext,
  request: AnswerRequest,
): Promise<PublishResult> {
  const bad = checkRemoteId("linkedin", request.replyId, "kommentars-urn");
  if (bad) return bad;
  // LinkedIn nests one level: an answer to a reply goes under the comment it replied to.
  const parent = request.postId && COMMENT_URN.test(request.postId) ? request.postId : request.replyId;
  const parsed = parent.match(COMMENT_URN);
  if (!parsed) return failure("invalid", "Det går bara att svara på en kommentar (urn:li:comment:…).");
  const object = parsed[1];
  const res = await callApi<{ commentUrn?: string; id?: string } | undefined>(
    ctx.send,
    `${parts.base(ctx)}/rest/socialActions/${encodeURIComponent(parent)}/comments`,
    {
      method: "POST",
      headers: parts.headers(ctx),
      json: {
        actor: ctx.account.options.organizationUrn,
        object,
        message: { text: request.text },
        parentComment: parent,
      },
    },
    parts.classify,
  );
  if (!res.ok) return res;
  const id = res.data?.id ?? res.reply.headers.get("x-restli-id") ?? undefined;
  const urn = res.data?.commentUrn ?? (id ? `urn:li:comment:(${object},${id})` : undefined);
  if (!urn) return failure("unconfirmed", "LinkedIn svarade utan kommentarens id");
  return {
    ok: true,
    remoteId: urn,
    remoteUrl: `https://www.linkedin.com/feed/update/${object}/?commentUrn=${encodeURIComponent(urn)}`,
  };
}

/** Deletes a comment on our post; an organization's admin may, LinkedIn has no hiding. */
export async function deleteLinkedInComment(
  parts: LinkedInReplyParts,
  ctx: AdapterContext,
  commentUrn: string,
): Promise<PublishResult> {
  const parsed = commentUrn.match(COMMENT_URN);
  if (!parsed) return failure("invalid", "Ogiltigt kommentars-urn för linkedin (väntade urn:li:comment:(…,…)).");
  const [, object, id] = parsed;
  const actor = encodeURIComponent(ctx.account.options.organizationUrn);
  const res = await callApi(
    ctx.send,
    `${parts.base(ctx)}/rest/socialActions/${encodeURIComponent(object)}/comments/${id}?actor=${actor}`,
    { method: "DELETE", headers: parts.headers(ctx) },
    parts.classify,
  );
  if (!res.ok) return res;
  return { ok: true, remoteId: commentUrn, remoteUrl: `https://www.linkedin.com/feed/update/${object}/` };
}
