// Stand-in for Instagram content publishing: containers that finish after a few status polls,
// media_publish, permalinks, the daily publishing limit, and comments on our media (the public's,
// our replies under a top-level comment, hiding and deleting).
import { checkGraphToken, graphError, graphPage, graphTime, renderGraphFailure } from "./graph";
import {
  createCounter,
  createPlatformParts,
  DEFAULT_PUBLIC_AUTHOR,
  readString,
  type SandboxClock,
  type SandboxPlatform,
} from "./platform";
import type { SandboxComment } from "./store";

export const INSTAGRAM_USER_ID = "17841400000000001";
export const INSTAGRAM_TOKEN = "sandbox-instagram-token";
const HANDLE = "exempelkommun";
const VERSION = "/:version{v[0-9]+\\.[0-9]+}";
const DAILY_LIMIT = 50;
const CAPTION_LIMIT = 2_200;

interface Container {
  id: string;
  imageUrl: string;
  caption: string;
  altText?: string;
  status: "IN_PROGRESS" | "FINISHED" | "PUBLISHED" | "ERROR";
  polls: number;
  mediaId?: string;
}

/** Meta takes JPEG (and, in practice, PNG) and refuses images over 8 MiB (subcode 2207004). */
const IMAGE_TYPES = ["image/jpeg", "image/png"];
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

async function imageLoads(fetchImage: (url: string) => Promise<Response>, url: string): Promise<boolean> {
  try {
    const res = await fetchImage(url);
    const type = (res.headers.get("content-type") ?? "").split(";")[0].trim();
    if (!res.ok || !IMAGE_TYPES.includes(type)) return false;
    return (await res.arrayBuffer()).byteLength <= MAX_IMAGE_BYTES;
  } catch {
    return false;
  }
}

export function createInstagramSandbox(
  clock: SandboxClock,
  fetchImage?: (url: string) => Promise<Response>,
): SandboxPlatform {
  const { app, control, store } = createPlatformParts(clock, renderGraphFailure);
  const ids = createCounter(18_000_000_000_000_001n);
  const containers = new Map<string, Container>();

  app.post(`${VERSION}/:userId/media`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    if (c.req.param("userId") !== INSTAGRAM_USER_ID) return c.json(graphError(100, "(#100) Invalid user id"), 400);
    if (control.restricted)
      return c.json(graphError(10, "(#10) Application does not have permission for this action"), 400);
    if (!params.image_url) return c.json(graphError(100, "(#100) The parameter image_url is required"), 400);
    const caption = String(params.caption ?? "");
    if ([...caption].length > CAPTION_LIMIT)
      return c.json(graphError(100, "(#100) The caption is too long", 2207010), 400);
    const id = ids.next();
    const imageUrl = String(params.image_url);
    const loads = fetchImage ? await imageLoads(fetchImage, imageUrl) : !imageUrl.includes("broken");
    const status = loads ? "IN_PROGRESS" : "ERROR";
    containers.set(id, { id, imageUrl, caption, altText: readString(params.alt_text), status, polls: 0 });
    return c.json({ id });
  });

  app.post(`${VERSION}/:userId/media_publish`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    if (control.restricted)
      return c.json(graphError(10, "(#10) Application does not have permission for this action"), 400);
    const container = containers.get(String(params.creation_id ?? ""));
    if (!container) return c.json(graphError(100, "(#100) Invalid creation_id"), 400);
    if (container.status === "PUBLISHED" && container.mediaId) return c.json({ id: container.mediaId });
    if (container.status !== "FINISHED") {
      return c.json(graphError(9007, "The media is not ready for publishing, please wait for a moment", 2207027), 400);
    }
    if (store.posts.length >= DAILY_LIMIT) {
      return c.json(graphError(9, "Application request limit reached", 2207042), 400);
    }
    const mediaId = ids.next();
    container.status = "PUBLISHED";
    container.mediaId = mediaId;
    store.addPost({
      id: mediaId,
      text: container.caption,
      url: `https://www.instagram.com/p/SBX${mediaId.slice(-8)}/`,
      data: { containerId: container.id, imageUrl: container.imageUrl, altText: container.altText },
    });
    return c.json({ id: mediaId });
  });

  app.get(`${VERSION}/:userId/content_publishing_limit`, async (c) => {
    const { response } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    if (control.restricted)
      return c.json(graphError(10, "(#10) Application does not have permission for this action"), 400);
    return c.json({
      data: [{ quota_usage: store.posts.length, config: { quota_total: DAILY_LIMIT, quota_duration: 86_400 } }],
    });
  });

  app.get(`${VERSION}/:userId/media`, async (c) => {
    const { response } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    const data = store
      .livePosts()
      .reverse()
      .map((p) => ({ id: p.id, caption: p.text, permalink: p.url, timestamp: p.createdAt }));
    return c.json({ data });
  });

  /** A comment as Graph renders it; top-level comments carry their replies when asked. */
  const toComment = (x: SandboxComment, withReplies: boolean): Record<string, unknown> => ({
    id: x.id,
    text: x.text,
    timestamp: graphTime(x.createdAt),
    username: x.author,
    from: { id: String(x.data?.fromId), username: x.author },
    hidden: x.hidden,
    ...(withReplies
      ? {
          replies: {
            data: store.comments.filter((r) => !r.deleted && r.data?.parentId === x.id).map((r) => toComment(r, false)),
          },
        }
      : {}),
  });

  /** Replies go under a top-level comment; a reply to a reply joins the top-level comment's thread. */
  const addComment = (targetId: string, text: string, author: { id: string; username: string }) => {
    const comment = store.findComment(targetId);
    const mediaId = comment ? comment.postId : targetId;
    const media = store.findPost(mediaId);
    if (!media || media.deleted || comment?.deleted) return undefined;
    const parentId = comment ? String(comment.data?.parentId ?? comment.id) : undefined;
    return store.addComment({
      id: ids.next(),
      postId: media.id,
      author: author.username,
      kind: "reply",
      text,
      url: media.url,
      data: { fromId: author.id, ...(parentId ? { parentId } : {}) },
    });
  };

  app.get(`${VERSION}/:mediaId/comments`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    const media = store.findPost(c.req.param("mediaId"));
    if (!media || media.deleted) return c.json(graphError(100, "(#100) Object does not exist", 33), 400);
    const withReplies = String(params.fields ?? "").includes("replies");
    const top = store.comments.filter((x) => !x.deleted && x.postId === media.id && !x.data?.parentId);
    const page = graphPage(top, params.limit, params.after, c.req.url);
    return c.json({ ...page, data: page.data.map((x) => toComment(x, withReplies)) });
  });

  app.post(`${VERSION}/:commentId/replies`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    if (control.restricted)
      return c.json(graphError(10, "(#10) Application does not have permission for this action"), 400);
    const comment = store.findComment(c.req.param("commentId"));
    if (!comment || comment.deleted) return c.json(graphError(100, "(#100) Object does not exist", 33), 400);
    if (comment.hidden) return c.json(graphError(100, "(#100) Cannot reply to a hidden comment"), 400);
    if (!params.message) return c.json(graphError(100, "(#100) The parameter message is required"), 400);
    const added = addComment(comment.id, String(params.message), { id: INSTAGRAM_USER_ID, username: HANDLE });
    if (!added) return c.json(graphError(100, "(#100) Object does not exist", 33), 400);
    return c.json({ id: added.id });
  });

  // Comment moderation: hide=true|false, and deletion.
  app.post(`${VERSION}/:commentId`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    if (control.restricted)
      return c.json(graphError(10, "(#10) Application does not have permission for this action"), 400);
    const comment = store.findComment(c.req.param("commentId"));
    if (!comment || comment.deleted || params.hide === undefined)
      return c.json(graphError(100, "(#100) Object does not exist", 33), 400);
    comment.hidden = String(params.hide) === "true";
    return c.json({ success: true });
  });

  app.delete(`${VERSION}/:commentId`, async (c) => {
    const { response } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    if (control.restricted)
      return c.json(graphError(10, "(#10) Application does not have permission for this action"), 400);
    const comment = store.findComment(c.req.param("commentId"));
    if (!comment || comment.deleted) return c.json(graphError(100, "(#100) Object does not exist", 33), 400);
    comment.deleted = true;
    return c.json({ success: true });
  });

  app.get(`${VERSION}/:objectId`, async (c) => {
    const { response } = await checkGraphToken(c, control, [INSTAGRAM_TOKEN]);
    if (response) return response;
    const id = c.req.param("objectId");
    const container = containers.get(id);
    if (container) {
      // Meta fetches the image in the background; the first polls see it still in progress.
      if (container.status === "IN_PROGRESS" && ++container.polls >= control.setting("pollsUntilFinished", 1)) {
        container.status = "FINISHED";
      }
      return c.json({
        id,
        status_code: container.status,
        status: container.status === "ERROR" ? "Error: image could not be downloaded" : container.status,
      });
    }
    const post = store.findPost(id);
    if (post && !post.deleted)
      return c.json({ id, permalink: post.url, caption: post.text, shortcode: post.url.split("/")[4] });
    return c.json(graphError(100, `(#100) Object with ID '${id}' does not exist`, 33), 400);
  });

  return {
    platform: "instagram",
    addPublicReply: (input) => {
      if (input.kind && input.kind !== "reply") return { error: "Instagram gives comments on our media only" };
      const target = input.postId ?? store.replyTarget()?.id;
      const username = (input.author ?? DEFAULT_PUBLIC_AUTHOR).replace(/^@/, "");
      const added = target
        ? addComment(target, input.text, { id: `178${ids.next().slice(-14)}`, username })
        : undefined;
      return added ?? { error: "no media or comment of ours to reply to" };
    },
    app,
    control,
    store,
    account: (baseUrl) => ({
      platform: "instagram",
      handle: HANDLE,
      baseUrl,
      options: { igUserId: INSTAGRAM_USER_ID },
      credential: { accessToken: INSTAGRAM_TOKEN },
    }),
    reset: () => {
      store.clear();
      control.reset();
      ids.reset();
      containers.clear();
    },
  };
}
