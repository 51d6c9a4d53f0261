// Stand-in for the Threads API: text containers, threads_publish, replies, permalinks, deletes,
// and the public's replies: a post's conversation at every depth, hidden with manage_reply.
import { checkGraphToken, graphError, graphPage, graphTime, renderGraphFailure } from "./graph";
import {
  createCounter,
  createPlatformParts,
  DEFAULT_PUBLIC_AUTHOR,
  readString,
  type SandboxClock,
  type SandboxPlatform,
} from "./platform";

export const THREADS_USER_ID = "26000000000000001";
export const THREADS_TOKEN = "sandbox-threads-token";
const HANDLE = "exempelkommun";
const TEXT_LIMIT = 500;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const GRAPHEMES = new Intl.Segmenter("sv", { granularity: "grapheme" });

interface Container {
  id: string;
  text: string;
  link?: string;
  replyTo?: string;
  mediaId?: string;
  imageUrl?: string;
  altText?: string;
}

/** Threads counts an emoji as its UTF-8 bytes and everything else as one character. */
function countThreadsText(text: string): number {
  let count = 0;
  for (const { segment } of GRAPHEMES.segment(text)) {
    count += PICTOGRAPHIC.test(segment) ? new TextEncoder().encode(segment).length : [...segment].length;
  }
  return count;
}

export function createThreadsSandbox(clock: SandboxClock): SandboxPlatform {
  const { app, control, store } = createPlatformParts(clock, renderGraphFailure);
  const ids = createCounter(17_900_000_000_000_001n);
  const containers = new Map<string, Container>();
  const denied = () => graphError(10, "(#10) The user has not granted the threads_content_publish permission");

  app.post("/v1.0/:userId/threads", async (c) => {
    const { response, params } = await checkGraphToken(c, control, [THREADS_TOKEN]);
    if (response) return response;
    if (c.req.param("userId") !== THREADS_USER_ID) return c.json(graphError(100, "(#100) Invalid user id"), 400);
    if (control.restricted) return c.json(denied(), 400);
    const type = params.media_type;
    if (type !== "TEXT" && type !== "IMAGE")
      return c.json(graphError(100, "(#100) The sandbox takes TEXT and IMAGE posts"), 400);
    const text = String(params.text ?? "");
    if (type === "TEXT" && !text)
      return c.json(graphError(100, "(#100) The parameter text is required for TEXT posts"), 400);
    if (type === "IMAGE" && !params.image_url)
      return c.json(graphError(100, "(#100) The parameter image_url is required for IMAGE posts"), 400);
    // link_attachment belongs to text posts; alt_text to image and video posts.
    if (type === "IMAGE" && params.link_attachment)
      return c.json(graphError(100, "(#100) link_attachment is only available for TEXT posts"), 400);
    if (countThreadsText(text) > TEXT_LIMIT)
      return c.json(graphError(100, "(#100) Param text must be at most 500 characters long."), 400);
    const replyTo = params.reply_to_id ? String(params.reply_to_id) : undefined;
    if (replyTo && !store.findPost(replyTo) && !store.findComment(replyTo))
      return c.json(graphError(100, "(#100) The reply_to_id does not exist"), 400);
    const id = ids.next();
    const image = type === "IMAGE" ? { imageUrl: String(params.image_url), altText: readString(params.alt_text) } : {};
    containers.set(id, { id, text, link: readString(params.link_attachment), replyTo, ...image });
    return c.json({ id });
  });

  app.post("/v1.0/:userId/threads_publish", async (c) => {
    const { response, params } = await checkGraphToken(c, control, [THREADS_TOKEN]);
    if (response) return response;
    if (control.restricted) return c.json(denied(), 400);
    const container = containers.get(String(params.creation_id ?? ""));
    if (!container) return c.json(graphError(100, "(#100) Invalid creation_id"), 400);
    if (container.mediaId) return c.json({ id: container.mediaId });
    const id = ids.next();
    container.mediaId = id;
    store.addPost({
      id,
      text: container.text,
      url: `https://www.threads.net/@${HANDLE}/post/SBX${id.slice(-8)}`,
      replyTo: container.replyTo,
      data: {
        containerId: container.id,
        linkAttachment: container.link,
        imageUrl: container.imageUrl,
        altText: container.altText,
      },
    });
    return c.json({ id });
  });

  app.get("/v1.0/:userId/threads_publishing_limit", async (c) => {
    const { response } = await checkGraphToken(c, control, [THREADS_TOKEN]);
    if (response) return response;
    if (control.restricted) return c.json(denied(), 400);
    return c.json({
      data: [{ quota_usage: store.posts.length, config: { quota_total: 250, quota_duration: 86_400 } }],
    });
  });

  app.get("/v1.0/:userId/threads", async (c) => {
    const { response } = await checkGraphToken(c, control, [THREADS_TOKEN]);
    if (response) return response;
    const data = store
      .livePosts()
      .reverse()
      .map((p) => ({
        id: p.id,
        text: p.text,
        permalink: p.url,
        link_attachment_url: p.data.linkAttachment,
        timestamp: p.createdAt,
      }));
    return c.json({ data });
  });

  /** Everything under a post, at every depth: the public's replies and our own replies alike. */
  const conversation = (rootId: string) => {
    const found: Record<string, unknown>[] = [];
    const walk = (parentId: string) => {
      const ours = store.posts.filter((p) => !p.deleted && p.replyTo === parentId);
      const theirs = store.comments.filter((x) => !x.deleted && x.data?.repliedTo === parentId);
      const children = [
        ...ours.map((p) => ({ at: p.createdAt, id: p.id, text: p.text, username: HANDLE, url: p.url, mine: true })),
        ...theirs.map((x) => ({
          at: String(x.createdAt),
          id: x.id,
          text: x.text,
          username: String(x.author),
          url: String(x.url),
          mine: false,
          hidden: x.hidden,
        })),
      ].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
      for (const child of children) {
        found.push({
          id: child.id,
          text: child.text,
          username: child.username,
          timestamp: graphTime(child.at),
          permalink: child.url,
          replied_to: { id: parentId },
          root_post: { id: rootId },
          is_reply_owned_by_me: child.mine,
          hide_status: "hidden" in child && child.hidden ? "HIDDEN" : "NOT_HUSHED",
        });
        walk(child.id);
      }
    };
    walk(rootId);
    return found;
  };

  app.get("/v1.0/:mediaId/conversation", async (c) => {
    const { response, params } = await checkGraphToken(c, control, [THREADS_TOKEN]);
    if (response) return response;
    const post = store.findPost(c.req.param("mediaId"));
    if (!post || post.deleted) return c.json(graphError(100, "(#100) Object does not exist", 33), 400);
    const all = conversation(post.id);
    if (params.reverse !== "false") all.reverse();
    return c.json(graphPage(all, params.limit, params.after, c.req.url));
  });

  // threads_manage_replies: hide (or unhide) a reply to one of our posts.
  app.post("/v1.0/:replyId/manage_reply", async (c) => {
    const { response, params } = await checkGraphToken(c, control, [THREADS_TOKEN]);
    if (response) return response;
    if (control.restricted)
      return c.json(graphError(10, "(#10) The user has not granted the threads_manage_replies permission"), 400);
    const reply = store.findComment(c.req.param("replyId"));
    if (!reply || reply.deleted) return c.json(graphError(100, "(#100) Object does not exist", 33), 400);
    reply.hidden = String(params.hide) === "true";
    return c.json({ success: true });
  });

  app.get("/v1.0/:objectId", async (c) => {
    const { response } = await checkGraphToken(c, control, [THREADS_TOKEN]);
    if (response) return response;
    const id = c.req.param("objectId");
    const container = containers.get(id);
    if (container) return c.json({ id, status: container.mediaId ? "PUBLISHED" : "FINISHED" });
    const post = store.findPost(id);
    if (post && !post.deleted) return c.json({ id, permalink: post.url, text: post.text });
    return c.json(graphError(100, `(#100) Object with ID '${id}' does not exist`, 33), 400);
  });

  app.delete("/v1.0/:objectId", async (c) => {
    const { response } = await checkGraphToken(c, control, [THREADS_TOKEN]);
    if (response) return response;
    if (control.restricted)
      return c.json(graphError(10, "(#10) The user has not granted the threads_delete permission"), 400);
    const post = store.findPost(c.req.param("objectId"));
    if (!post || post.deleted) return c.json(graphError(100, "(#100) Object does not exist", 33), 400);
    post.deleted = true;
    return c.json({ success: true, deleted_id: post.id });
  });

  return {
    platform: "threads",
    addPublicReply: (input) => {
      if (input.kind && input.kind !== "reply") return { error: "the sandbox's Threads gives replies only" };
      const targetId = input.postId ?? store.replyTarget()?.id;
      const target = targetId ? (store.findPost(targetId) ?? store.findComment(targetId)) : undefined;
      if (!target || target.deleted) return { error: "no post or reply of ours to reply to" };
      const username = (input.author ?? DEFAULT_PUBLIC_AUTHOR).replace(/^@/, "");
      const id = ids.next();
      return store.addComment({
        id,
        postId: target.id,
        author: username,
        kind: "reply",
        text: input.text,
        url: `https://www.threads.net/@${username}/post/SBX${id.slice(-8)}`,
        data: { repliedTo: target.id },
      });
    },
    app,
    control,
    store,
    account: (baseUrl) => ({
      platform: "threads",
      handle: HANDLE,
      baseUrl,
      options: { threadsUserId: THREADS_USER_ID },
      credential: { accessToken: THREADS_TOKEN },
    }),
    reset: () => {
      store.clear();
      control.reset();
      ids.reset();
      containers.clear();
    },
  };
}
