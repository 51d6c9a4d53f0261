// Threads: like Instagram, a container is created and then published, but text-only posts are
// allowed and replies thread natively. Emoji count as their UTF-8 byte length.

import { z } from "zod";
import { classifyGraphFailure, graphUrl, THREADS_VERSION } from "./graph";
import { callApi, checkShape, lostAnswerIsRetry } from "./http";
import { attachImage } from "./images";
import { countThreadsChars } from "./length";
import { absent, found, isSameUrl, textCarriesLink, unknown } from "./lookup";
import { checkRemoteId } from "./remote-ids";
import { shortenToFit, toComposed } from "./shorten";
import { answerThreadsReply, collectThreadsReplies, hideThreadsReply } from "./threads-replies";
import type { AdapterContext, PlatformAdapter, PublishResult } from "./types";

const MAX_CHARS = 500;
const POSTS_SEARCH_LIMIT = "25";

const USER_THREADS = z.object({
  data: z
    .array(
      z.object({
        id: z.string(),
        text: z.string().nullish(),
        permalink: z.string().nullish(),
        link_attachment_url: z.string().nullish(),
      }),
    )
    .nullish(),
});

export function createThreadsAdapter(): PlatformAdapter {
  const url = (ctx: AdapterContext, path: string, params: Record<string, string> = {}) =>
    graphUrl(ctx.account.baseUrl, THREADS_VERSION, path, params);
  const token = (ctx: AdapterContext) => ctx.credential.accessToken;
  const user = (ctx: AdapterContext) => ctx.account.options.threadsUserId;
  const fallbackUrl = (ctx: AdapterContext) => `https://www.threads.net/@${ctx.account.handle.replace(/^@/, "")}`;

  async function readPermalink(ctx: AdapterContext, id: string): Promise<string> {
    const res = await callApi<{ permalink?: string }>(
      ctx.send,
      url(ctx, id, { fields: "permalink", access_token: token(ctx) }),
      {},
      classifyGraphFailure,
    );
    return res.ok && res.data.permalink ? res.data.permalink : fallbackUrl(ctx);
  }

  const replyParts = { url, token, user, readPermalink };

  return {
    platform: "threads",
    defaultBaseUrl: "https://graph.threads.net",
    requiredOptions: ["threadsUserId"],
    handleFormat: { pattern: /^[A-Za-z0-9._]{1,30}$/, example: "exempelkommun" },
    credentialFields: ["accessToken"],

    compose(content, limits) {
      const fit = shortenToFit(content, { limit: limits?.maxChars ?? MAX_CHARS, measure: countThreadsChars });
      if (!content.image) return toComposed(fit, { media_type: "TEXT", text: fit.text, link_attachment: content.link });
      // link_attachment is for text posts only; an image post's link is the one in its text.
      const image = { media_type: "IMAGE", image_url: content.image.url, alt_text: content.image.alt, text: fit.text };
      return attachImage(toComposed(fit, image), content.image, true);
    },

    async publish(ctx, request): Promise<PublishResult> {
      const form: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.composed.payload)) form[key] = String(value);
      if (request.replyTo) form.reply_to_id = request.replyTo;
      const container = await callApi<{ id: string }>(
        ctx.send,
        url(ctx, `${user(ctx)}/threads`),
        { method: "POST", form: { ...form, access_token: token(ctx) } },
        classifyGraphFailure,
      );
      // An unanswered container request leaves at most an unpublished container: safe to redo.
      if (!container.ok) return lostAnswerIsRetry(container);
      const published = await callApi<{ id: string }>(
        ctx.send,
        url(ctx, `${user(ctx)}/threads_publish`),
        { method: "POST", form: { creation_id: container.data.id, access_token: token(ctx) } },
        classifyGraphFailure,
      );
      if (!published.ok) return published;
      return { ok: true, remoteId: published.data.id, remoteUrl: await readPermalink(ctx, published.data.id) };
    },

    async checkRights(ctx) {
      const res = await callApi<{ data?: { quota_usage?: number; config?: { quota_total?: number } }[] }>(
        ctx.send,
        url(ctx, `${user(ctx)}/threads_publishing_limit`, { fields: "quota_usage,config", access_token: token(ctx) }),
        {},
        classifyGraphFailure,
      );
      if (!res.ok) return { ok: false, class: res.class, detail: res.message };
      const usage = res.data.data?.[0];
      return {
        ok: true,
        detail: `Kan publicera (${usage?.quota_usage ?? 0} av ${usage?.config?.quota_total ?? 250} inlägg senaste dygnet)`,
      };
    },

    async retract(ctx, remoteId) {
      const bad = checkRemoteId("threads", remoteId);
      if (bad) return bad;
      const res = await callApi(
        ctx.send,
        url(ctx, remoteId, { access_token: token(ctx) }),
        { method: "DELETE" },
        classifyGraphFailure,
      );
      if (!res.ok) return res;
      return { ok: true, remoteId, remoteUrl: fallbackUrl(ctx) };
    },

    async findByLink(ctx, link) {
      const res = checkShape(
        await callApi(
          ctx.send,
          url(ctx, `${user(ctx)}/threads`, {
            fields: "id,text,permalink,link_attachment_url",
            limit: POSTS_SEARCH_LIMIT,
            access_token: token(ctx),
          }),
          {},
          classifyGraphFailure,
        ),
        USER_THREADS,
      );
      if (!res.ok) return unknown(res);
      const post = res.data.data?.find((p) => isSameUrl(p.link_attachment_url, link) || textCarriesLink(p.text, link));
      return post ? found(post.id, post.permalink ?? fallbackUrl(ctx)) : absent;
    },

    collectReplies: (ctx, request) => collectThreadsReplies(replyParts, ctx, request),

    answerReply: (ctx, request) => answerThreadsReply(replyParts, ctx, request),

    removeComment: (ctx, replyId) => hideThreadsReply(replyParts, ctx, replyId),
  };
}
