// Stand-in for the Facebook Graph API (Pages): feed posts, permalinks, edits, deletes, comments
// (the public's, and the Page's answers in their threads) and /me/accounts with page tasks.
import { checkGraphToken, graphError, graphPage, graphTime, readSince, renderGraphFailure } from "./graph";
import { createCounter, createPlatformParts, type SandboxClock, type SandboxPlatform } from "./platform";
import type { SandboxComment } from "./store";

export const FACEBOOK_PAGE_ID = "104000000000001";
export const FACEBOOK_PAGE_TOKEN = "sandbox-facebook-page-token";
export const FACEBOOK_USER_TOKEN = "sandbox-facebook-user-token";
const PAGE_NAME = "Exempelkommun";
/** Whom a comment is from when a test plays the public without naming anyone. */
const PUBLIC_ID = "100090000000001";
const PUBLIC_NAME = "Maja Medborgare";
const VERSION = "/:version{v[0-9]+\\.[0-9]+}";

export function createFacebookSandbox(clock: SandboxClock): SandboxPlatform {
  const { app, control, store } = createPlatformParts(clock, renderGraphFailure);
  const ids = createCounter(5_000_001n);
  const tokens = [FACEBOOK_PAGE_TOKEN, FACEBOOK_USER_TOKEN];
  const permalink = (id: string) => {
    const [page, post] = id.split("_");
    return `https://www.facebook.com/${page}/posts/${post}`;
  };

  app.get(`${VERSION}/me/accounts`, async (c) => {
    const { response } = await checkGraphToken(c, control, [FACEBOOK_USER_TOKEN]);
    if (response) return response;
    const tasks = control.restricted
      ? ["ANALYZE", "ADVERTISE"]
      : ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"];
    return c.json({
      data: [
        {
          id: FACEBOOK_PAGE_ID,
          name: PAGE_NAME,
          category: "Government organization",
          access_token: FACEBOOK_PAGE_TOKEN,
          tasks,
        },
      ],
      paging: { cursors: { before: "b", after: "a" } },
    });
  });

  app.post(`${VERSION}/:pageId/feed`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, [FACEBOOK_PAGE_TOKEN]);
    if (response) return response;
    if (c.req.param("pageId") !== FACEBOOK_PAGE_ID)
      return c.json(graphError(100, "(#100) Unsupported post request: object does not exist"), 400);
    if (control.restricted) {
      return c.json(
        graphError(
          200,
          "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission",
        ),
        403,
      );
    }
    const message = String(params.message ?? "");
    const link = params.link ? String(params.link) : undefined;
    if (!message && !link) return c.json(graphError(100, "(#100) Either message or link must be provided"), 400);
    if (store.livePosts().some((p) => p.text === message && p.data.link === link)) {
      return c.json(graphError(506, "Duplicate status message"), 400);
    }
    const id = `${FACEBOOK_PAGE_ID}_${ids.next()}`;
    store.addPost({ id, text: message, url: permalink(id), data: { link } });
    return c.json({ id });
  });

  // A photo post: Meta fetches `url`; `caption` is the post's text and `alt_text_custom` the photo's alt text.
  app.post(`${VERSION}/:pageId/photos`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, [FACEBOOK_PAGE_TOKEN]);
    if (response) return response;
    if (c.req.param("pageId") !== FACEBOOK_PAGE_ID)
      return c.json(graphError(100, "(#100) Unsupported post request: object does not exist"), 400);
    if (control.restricted) return c.json(graphError(200, "(#200) Permissions error"), 403);
    if (!params.url) return c.json(graphError(324, "(#324) Requires upload file"), 400);
    const caption = String(params.caption ?? params.message ?? "");
    const photoId = ids.next();
    const id = `${FACEBOOK_PAGE_ID}_${ids.next()}`;
    store.addPost({
      id,
      text: caption,
      url: permalink(id),
      data: { photoId, imageUrl: String(params.url), altText: params.alt_text_custom },
    });
    return c.json({ id: photoId, post_id: id });
  });

  app.get(`${VERSION}/:pageId/feed`, async (c) => {
    const { response } = await checkGraphToken(c, control, tokens);
    if (response) return response;
    const limit = Number(c.req.query("limit") ?? 25);
    // Graph's time-based paging: `since` (a Unix time) keeps the posts made at or after it.
    const since = c.req.query("since") ? Number(c.req.query("since")) * 1000 : Number.NEGATIVE_INFINITY;
    const data = store
      .livePosts()
      .filter((p) => Date.parse(p.createdAt) >= since)
      .slice(-limit)
      .reverse()
      .map((p) => ({
        id: p.id,
        message: p.text,
        created_time: p.createdAt,
        permalink_url: p.url,
        attachments: p.data.link
          ? {
              data: [
                {
                  url: `https://l.facebook.com/l.php?u=${encodeURIComponent(String(p.data.link))}`,
                  unshimmed_url: p.data.link,
                },
              ],
            }
          : undefined,
      }));
    return c.json({ data });
  });

  /** A comment as Graph renders it to the Page. */
  const toComment = (x: SandboxComment) => ({
    id: x.id,
    message: x.text,
    created_time: graphTime(x.createdAt),
    from: { id: String(x.data?.fromId ?? PUBLIC_ID), name: String(x.data?.fromName ?? PUBLIC_NAME) },
    ...(x.data?.parentId ? { parent: { id: String(x.data.parentId) } } : {}),
    permalink_url: x.url,
    is_hidden: x.hidden,
  });

  /** A comment on a post, or a reply to a comment (Facebook keeps two levels: replies join the top comment). */
  const addComment = (objectId: string, text: string, from: { id: string; name: string }) => {
    const onComment = store.findComment(objectId);
    const topId = onComment ? String(onComment.data?.parentId ?? onComment.id) : undefined;
    const post = store.findPost(onComment ? onComment.postId : objectId);
    if (!post || post.deleted || onComment?.deleted) return undefined;
    const [page, postNumber] = post.id.split("_");
    const n = ids.next();
    return store.addComment({
      id: `${postNumber}_${n}`,
      postId: post.id,
      author: from.name,
      kind: "reply",
      text,
      url: `https://www.facebook.com/${page}/posts/${postNumber}?comment_id=${n}`,
      data: { fromId: from.id, fromName: from.name, ...(topId ? { parentId: topId } : {}) },
    });
  };

  app.post(`${VERSION}/:objectId/comments`, async (c) => {
    // With the Page token the Page comments (our answers); a user token plays a member of the public.
    const { response, params } = await checkGraphToken(c, control, tokens);
    if (response) return response;
    const asPage = params.access_token === FACEBOOK_PAGE_TOKEN;
    if (asPage && control.restricted) return c.json(graphError(200, "(#200) Permissions error"), 403);
    const from = asPage ? { id: FACEBOOK_PAGE_ID, name: PAGE_NAME } : { id: PUBLIC_ID, name: PUBLIC_NAME };
    const added = addComment(c.req.param("objectId"), String(params.message ?? ""), from);
    if (!added) return c.json(graphError(100, "(#100) Object does not exist"), 400);
    return c.json({ id: added.id });
  });

  // A post's comments (filter=stream: replies too, in order) or a comment's replies; since, limit, after.
  app.get(`${VERSION}/:objectId/comments`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, tokens);
    if (response) return response;
    const id = c.req.param("objectId");
    const post = store.findPost(id);
    const comment = store.findComment(id);
    if ((!post || post.deleted) && (!comment || comment.deleted))
      return c.json(graphError(100, `(#100) Object with ID '${id}' does not exist`, 33), 400);
    const since = readSince(params.since);
    const stream = params.filter === "stream";
    const all = store.comments.filter(
      (x) =>
        !x.deleted &&
        (post ? x.postId === post.id && (stream || !x.data?.parentId) : x.data?.parentId === id) &&
        (since === undefined || Date.parse(String(x.createdAt)) >= since),
    );
    if (params.order === "reverse_chronological") all.reverse();
    const page = graphPage(all, params.limit, params.after, c.req.url);
    return c.json({ ...page, data: page.data.map(toComment) });
  });

  app.get(`${VERSION}/:objectId`, async (c) => {
    const { response } = await checkGraphToken(c, control, tokens);
    if (response) return response;
    const id = c.req.param("objectId");
    const post = store.findPost(id);
    if (post && !post.deleted) return c.json({ id, permalink_url: post.url, message: post.text });
    const comment = store.comments.find((x) => x.id === id && !x.deleted);
    if (comment) return c.json(toComment(comment));
    return c.json(graphError(100, `(#100) Object with ID '${id}' does not exist`, 33), 400);
  });

  app.post(`${VERSION}/:objectId`, async (c) => {
    const { response, params } = await checkGraphToken(c, control, [FACEBOOK_PAGE_TOKEN]);
    if (response) return response;
    if (control.restricted) return c.json(graphError(200, "(#200) Permissions error"), 403);
    const id = c.req.param("objectId");
    const post = store.findPost(id);
    if (post && !post.deleted && params.message !== undefined) {
      store.editPost(post, String(params.message));
      return c.json({ success: true });
    }
    const comment = store.comments.find((x) => x.id === id && !x.deleted);
    if (comment && params.is_hidden !== undefined) {
      comment.hidden = String(params.is_hidden) === "true";
      return c.json({ success: true });
    }
    return c.json(graphError(100, `(#100) Object with ID '${id}' does not exist`, 33), 400);
  });

  app.delete(`${VERSION}/:objectId`, async (c) => {
    const { response } = await checkGraphToken(c, control, [FACEBOOK_PAGE_TOKEN]);
    if (response) return response;
    if (control.restricted) return c.json(graphError(200, "(#200) Permissions error"), 403);
    const id = c.req.param("objectId");
    const target = store.findPost(id) ?? store.comments.find((x) => x.id === id);
    if (!target || target.deleted)
      return c.json(graphError(100, `(#100) Object with ID '${id}' does not exist`, 33), 400);
    target.deleted = true;
    return c.json({ success: true });
  });

  return {
    platform: "facebook",
    addPublicReply: (input) => {
      if (input.kind && input.kind !== "reply")
        return { error: "Facebook gives the Page comments, not mentions or quotes" };
      const target = input.postId ?? store.replyTarget()?.id;
      const added = target
        ? addComment(target, input.text, { id: PUBLIC_ID, name: input.author?.replace(/^@/, "") ?? PUBLIC_NAME })
        : undefined;
      return added ?? { error: "no post or comment of ours to reply to" };
    },
    app,
    control,
    store,
    account: (baseUrl) => ({
      platform: "facebook",
      handle: PAGE_NAME,
      baseUrl,
      options: { pageId: FACEBOOK_PAGE_ID },
      credential: { pageAccessToken: FACEBOOK_PAGE_TOKEN, userAccessToken: FACEBOOK_USER_TOKEN },
    }),
    reset: () => {
      store.clear();
      control.reset();
      ids.reset();
    },
  };
}
