// Facebook Page posts through the Graph API: POST /{page-id}/feed with a Page access token, or
// POST /{page-id}/photos when the update has an image (Meta fetches it from its URL).

import { z } from "zod";
import { classifyGraphFailure, GRAPH_VERSION, graphUrl } from "./graph";
import { answerFacebookComment, collectFacebookComments, removeGraphComment } from "./graph-replies";
import { callApi, checkShape } from "./http";
import { attachImage } from "./images";
import { countCodePoints } from "./length";
import { absent, absentSince, found, isSameUrl, textCarriesLink, unknown } from "./lookup";
import { checkRemoteId } from "./remote-ids";
import { shortenToFit, toComposed } from "./shorten";
import type { AdapterContext, Composed, PlatformAdapter, PublishResult } from "./types";

const MAX_CHARS = 63_206;
const FEED_SEARCH_LIMIT = "25";

export function createFacebookAdapter(): PlatformAdapter {
  const version = (ctx: AdapterContext) => ctx.account.options.graphVersion || GRAPH_VERSION;
  const url = (ctx: AdapterContext, path: string, params: Record<string, string> = {}) =>
    graphUrl(ctx.account.baseUrl, version(ctx), path, params);
  const pageToken = (ctx: AdapterContext) => ctx.credential.pageAccessToken;

  async function readPermalink(ctx: AdapterContext, postId: string): Promise<string> {
    const res = await callApi<{ permalink_url?: string }>(
      ctx.send,
      url(ctx, postId, { fields: "permalink_url", access_token: pageToken(ctx) }),
      {},
      classifyGraphFailure,
    );
    // The post exists either way; a hand-built URL beats reporting a published post as failed.
    return res.ok && res.data?.permalink_url ? res.data.permalink_url : `https://www.facebook.com/${postId}`;
  }

  const replyParts = { url, token: pageToken };

  return {
    platform: "facebook",
    defaultBaseUrl: "https://graph.facebook.com",
    requiredOptions: ["pageId"],
    handleFormat: { pattern: /^[\p{L}\p{N}][\p{L}\p{N}. _-]{0,99}$/u, example: "Exempelkommun" },
    credentialFields: ["pageAccessToken", "userAccessToken"],

    compose(content, limits) {
      const fit = shortenToFit(content, { limit: limits?.maxChars ?? MAX_CHARS, measure: countCodePoints });
      if (!content.image) return toComposed(fit, { message: fit.text, link: content.link });
      // A photo post: the caption carries the text and the link; alt_text_custom is the Photo's alt text.
      const photo = { url: content.image.url, caption: fit.text, alt_text_custom: content.image.alt };
      return attachImage(toComposed(fit, photo), content.image, true);
    },

    async publish(ctx, request) {
      // Threading would turn later updates into comments, which the feed hides; each update is a post.
      const pageId = ctx.account.options.pageId;
      const photo = request.composed.payload.url !== undefined;
      const form: Record<string, string> = { access_token: pageToken(ctx) };
      for (const [key, value] of Object.entries(request.composed.payload)) form[key] = String(value);
      const res = await callApi<{ id: string; post_id?: string }>(
        ctx.send,
        url(ctx, `${pageId}/${photo ? "photos" : "feed"}`),
        { method: "POST", form },
        classifyGraphFailure,
      );
      if (!res.ok) return res;
      // /photos answers with the photo's id and the post's; edits and deletes address the post.
      const postId = photo ? (res.data.post_id ?? `${pageId}_${res.data.id}`) : res.data.id;
      return { ok: true, remoteId: postId, remoteUrl: await readPermalink(ctx, postId) };
    },

    async checkRights(ctx) {
      const res = await callApi<{ data: { id: string; name?: string; tasks?: string[] }[] }>(
        ctx.send,
        url(ctx, "me/accounts", { fields: "id,name,tasks", access_token: ctx.credential.userAccessToken }),
        {},
        classifyGraphFailure,
      );
      if (!res.ok) return { ok: false, class: res.class, detail: res.message };
      const page = res.data.data?.find((p) => p.id === ctx.account.options.pageId);
      if (!page) return { ok: false, class: "rights", detail: "Användaren har ingen roll på sidan" };
      if (!page.tasks?.includes("CREATE_CONTENT")) {
        return {
          ok: false,
          class: "rights",
          detail: `Saknar CREATE_CONTENT (har ${page.tasks?.join(", ") || "inga"})`,
        };
      }
      return { ok: true, detail: `Kan publicera på ${page.name ?? page.id} (${page.tasks.join(", ")})` };
    },

    async edit(ctx, remoteId, composed: Composed): Promise<PublishResult> {
      const bad = checkRemoteId("facebook", remoteId);
      if (bad) return bad;
      const { message, caption } = composed.payload as { message?: string; caption?: string };
      const res = await callApi(
        ctx.send,
        url(ctx, remoteId),
        { method: "POST", form: { message: message ?? caption ?? "", access_token: pageToken(ctx) } },
        classifyGraphFailure,
      );
      if (!res.ok) return res;
      return { ok: true, remoteId, remoteUrl: await readPermalink(ctx, remoteId) };
    },

    async retract(ctx, remoteId) {
      const bad = checkRemoteId("facebook", remoteId);
      if (bad) return bad;
      const res = await callApi(
        ctx.send,
        url(ctx, remoteId, { access_token: pageToken(ctx) }),
        { method: "DELETE" },
        classifyGraphFailure,
      );
      if (!res.ok) return res;
      return { ok: true, remoteId, remoteUrl: `https://www.facebook.com/${remoteId}` };
    },

    async findByLink(ctx, link, since) {
      // With `since` the feed holds only posts made after it: a page that is not full is all of them.
      const window: Record<string, string> = since ? { since: String(Math.floor(since.getTime() / 1000)) } : {};
      const res = checkShape(
        await callApi(
          ctx.send,
          url(ctx, `${ctx.account.options.pageId}/feed`, {
            fields: "id,message,link,permalink_url,attachments{url,unshimmed_url}",
            limit: FEED_SEARCH_LIMIT,
            ...window,
            access_token: pageToken(ctx),
          }),
          {},
          classifyGraphFailure,
        ),
        FEED,
      );
      if (!res.ok) return unknown(res);
      const posts = res.data.data ?? [];
      const post = posts.find((p) => carriesLink(p, link));
      if (post) return found(post.id, post.permalink_url ?? `https://www.facebook.com/${post.id}`);
      return since && posts.length < Number(FEED_SEARCH_LIMIT) ? absentSince : absent;
    },

    // Hiding keeps the comment (a public record) while taking it out of view; delete on request.
    removeComment: (ctx, commentId) => removeGraphComment(replyParts, ctx, "facebook", commentId),

    collectReplies: (ctx, request) => collectFacebookComments(replyParts, ctx, request),

    answerReply: (ctx, request) => answerFacebookComment(replyParts, ctx, request),
  };
}

const FEED_POST = z.object({
  id: z.string(),
  message: z.string().nullish(),
  /** The link the post was created with (the "link" field of POST /feed). */
  link: z.string().nullish(),
  permalink_url: z.string().nullish(),
  attachments: z
    .object({ data: z.array(z.object({ url: z.string().nullish(), unshimmed_url: z.string().nullish() })).nullish() })
    .nullish(),
});
const FEED = z.object({ data: z.array(FEED_POST).nullish() });
type FeedPost = z.infer<typeof FEED_POST>;

function carriesLink(post: FeedPost, link: string): boolean {
  if (isSameUrl(post.link, link)) return true;
  if (post.attachments?.data?.some((a) => isSameUrl(a.unshimmed_url, link) || isSameUrl(a.url, link))) return true;
  return textCarriesLink(post.message, link);
}
