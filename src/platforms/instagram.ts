// Instagram professional accounts: create a media container, wait until Meta has fetched the
// image, then publish it. There are no text-only posts, and links in captions are not clickable,
// so the link is written out for people to type or copy.

import { z } from "zod";
import type { AdapterEnvironment } from "./environment";
import { classifyGraphFailure, GRAPH_VERSION, graphUrl } from "./graph";
import { answerInstagramComment, collectInstagramComments, removeGraphComment } from "./graph-replies";
import { callApi, checkShape, failure, lostAnswerIsRetry } from "./http";
import { attachImage } from "./images";
import { countCodePoints } from "./length";
import { absent, found, textCarriesLink, unknown } from "./lookup";
import { shortenToFit, toComposed } from "./shorten";
import type { AdapterContext, PlatformAdapter } from "./types";

const MAX_CAPTION = 2_200;
const NEEDS_IMAGE = "Instagram kräver en bild";
const CONTAINER_POLLS = 10;
const CONTAINER_POLL_MS = 2_000;
const MEDIA_SEARCH_LIMIT = "25";

const USER_MEDIA = z.object({
  data: z.array(z.object({ id: z.string(), caption: z.string().nullish(), permalink: z.string().nullish() })).nullish(),
});

interface InstagramPayload {
  image_url?: string;
  alt_text?: string;
  caption: string;
}

export function createInstagramAdapter(env: AdapterEnvironment): PlatformAdapter {
  const url = (ctx: AdapterContext, path: string, params: Record<string, string> = {}) =>
    graphUrl(ctx.account.baseUrl, ctx.account.options.graphVersion || GRAPH_VERSION, path, params);
  const token = (ctx: AdapterContext) => ctx.credential.accessToken;

  /** Meta fetches the image asynchronously; publishing before FINISHED fails. */
  async function awaitContainer(ctx: AdapterContext, containerId: string): Promise<string> {
    for (let poll = 0; poll < CONTAINER_POLLS; poll++) {
      const res = await callApi<{ status_code?: string }>(
        ctx.send,
        url(ctx, containerId, { fields: "status_code", access_token: token(ctx) }),
        {},
        classifyGraphFailure,
      );
      const status = res.ok ? res.data.status_code : undefined;
      if (status && status !== "IN_PROGRESS") return status;
      await env.sleep(CONTAINER_POLL_MS);
    }
    return "IN_PROGRESS";
  }

  const replyParts = { url, token };

  return {
    platform: "instagram",
    defaultBaseUrl: "https://graph.facebook.com",
    requiredOptions: ["igUserId"],
    handleFormat: { pattern: /^[A-Za-z0-9._]{1,30}$/, example: "exempelkommun" },
    credentialFields: ["accessToken"],

    compose(content, limits) {
      const fit = shortenToFit(content, { limit: limits?.maxChars ?? MAX_CAPTION, measure: countCodePoints });
      const payload: InstagramPayload = { caption: fit.text };
      if (content.image) {
        payload.image_url = content.image.url;
        payload.alt_text = content.image.alt;
      }
      return attachImage(toComposed(fit, { ...payload }, content.image ? undefined : NEEDS_IMAGE), content.image, true);
    },

    async publish(ctx, request) {
      const payload = request.composed.payload as unknown as InstagramPayload;
      if (request.composed.skipReason || !payload.image_url) return failure("invalid", NEEDS_IMAGE);
      const form: Record<string, string> = { image_url: payload.image_url, caption: payload.caption };
      if (payload.alt_text) form.alt_text = payload.alt_text;
      const igUser = ctx.account.options.igUserId;
      const container = await callApi<{ id: string }>(
        ctx.send,
        url(ctx, `${igUser}/media`),
        { method: "POST", form: { ...form, access_token: token(ctx) } },
        classifyGraphFailure,
      );
      // Failing here leaves at most an unpublished container, which expires on its own.
      if (!container.ok) return lostAnswerIsRetry(container);

      const status = await awaitContainer(ctx, container.data.id);
      if (status === "ERROR") return failure("invalid", "Instagram kunde inte hämta eller behandla bilden");
      if (status !== "FINISHED") return failure("retry", `Behållaren blev inte klar (${status})`);

      const published = await callApi<{ id: string }>(
        ctx.send,
        url(ctx, `${igUser}/media_publish`),
        { method: "POST", form: { creation_id: container.data.id, access_token: token(ctx) } },
        classifyGraphFailure,
      );
      if (!published.ok) return published;
      const media = await callApi<{ permalink?: string }>(
        ctx.send,
        url(ctx, published.data.id, { fields: "permalink", access_token: token(ctx) }),
        {},
        classifyGraphFailure,
      );
      const remoteUrl =
        media.ok && media.data.permalink ? media.data.permalink : `https://www.instagram.com/${ctx.account.handle}/`;
      return { ok: true, remoteId: published.data.id, remoteUrl };
    },

    async checkRights(ctx) {
      const res = await callApi<{ data?: { quota_usage?: number; config?: { quota_total?: number } }[] }>(
        ctx.send,
        url(ctx, `${ctx.account.options.igUserId}/content_publishing_limit`, {
          fields: "quota_usage,config",
          access_token: token(ctx),
        }),
        {},
        classifyGraphFailure,
      );
      if (!res.ok) return { ok: false, class: res.class, detail: res.message };
      const usage = res.data.data?.[0];
      return {
        ok: true,
        detail: `Kan publicera (${usage?.quota_usage ?? 0} av ${usage?.config?.quota_total ?? 50} inlägg senaste dygnet)`,
      };
    },

    async findByLink(ctx, link) {
      const res = checkShape(
        await callApi(
          ctx.send,
          url(ctx, `${ctx.account.options.igUserId}/media`, {
            fields: "id,caption,permalink",
            limit: MEDIA_SEARCH_LIMIT,
            access_token: token(ctx),
          }),
          {},
          classifyGraphFailure,
        ),
        USER_MEDIA,
      );
      if (!res.ok) return unknown(res);
      // Captions carry the link as plain text; Instagram has no link field.
      const media = res.data.data?.find((m) => textCarriesLink(m.caption, link));
      return media ? found(media.id, media.permalink ?? `https://www.instagram.com/${ctx.account.handle}/`) : absent;
    },

    collectReplies: (ctx, request) => collectInstagramComments(replyParts, ctx, request),

    answerReply: (ctx, request) => answerInstagramComment(replyParts, ctx, request),

    // Hiding keeps the comment (a public record) while taking it out of view; delete on request.
    removeComment: (ctx, commentId) => removeGraphComment(replyParts, ctx, "instagram", commentId),
  };
}
