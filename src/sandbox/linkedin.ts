// Stand-in for LinkedIn's REST Posts API: versioned headers required, 201 with x-restli-id,
// 422 DUPLICATE_POST, "little text" parsed the way LinkedIn does (an unescaped reserved
// character silently ends the post), partial updates, idempotent deletes, organization ACLs, and
// comments through socialActions (the public's, our nested answers, deletion by the organization).
import type { Context } from "hono";
import type { FailureSpec, RenderedFailure } from "./control";
import {
  bearerToken,
  createCounter,
  createPlatformParts,
  DEFAULT_PUBLIC_AUTHOR,
  readField,
  type SandboxClock,
  type SandboxPlatform,
} from "./platform";
import type { SandboxComment } from "./store";
import { isImage, readRawUpload } from "./uploads";

export const LINKEDIN_TOKEN = "sandbox-linkedin-token";
export const LINKEDIN_ORGANIZATION = "urn:li:organization:10000001";
const MEMBER = "urn:li:person:sbxMember1";
const RESERVED = new Set(["\\", "|", "{", "}", "@", "[", "]", "(", ")", "<", ">", "#", "*", "_", "~"]);
const REQUIRED_FIELDS = ["author", "visibility", "distribution", "lifecycleState"];
const TEXT_LIMIT = 3_000;

/** What LinkedIn shows for a commentary: escapes removed, cut at the first unescaped reserved character. */
export function renderLittleText(commentary: string): string {
  let out = "";
  for (let i = 0; i < commentary.length; i++) {
    const ch = commentary[i];
    if (ch === "\\" && RESERVED.has(commentary[i + 1] ?? "")) {
      out += commentary[++i];
    } else if (RESERVED.has(ch)) {
      return out;
    } else {
      out += ch;
    }
  }
  return out;
}

function renderFailure(spec: FailureSpec): RenderedFailure {
  // LinkedIn's 429 carries no rate-limit headers at all.
  if (spec.status === 429)
    return { body: { status: 429, message: "Resource level throttle limit for calls to this resource is reached." } };
  if (spec.status === 401)
    return {
      body: { status: 401, serviceErrorCode: 65600, code: "INVALID_ACCESS_TOKEN", message: "Invalid access token" },
    };
  if (spec.status === 403)
    return {
      body: {
        status: 403,
        serviceErrorCode: 100,
        code: "ACCESS_DENIED",
        message: "Not enough permissions to access: partnerApiPostsExternal.CREATE.20260101",
      },
    };
  if (spec.status >= 500) return { body: { status: spec.status, message: "Internal Server Error" } };
  return { body: { status: spec.status, message: "Bad request" } };
}

export function createLinkedInSandbox(clock: SandboxClock): SandboxPlatform {
  const { app, control, store } = createPlatformParts(clock, renderFailure);
  const ids = createCounter(7_300_000_000_000_000_001n);
  const imageIds = createCounter(1_000_001n);
  const commentIds = createCounter(7_400_000_000_000_000_001n);

  const gate = (c: Context): Response | undefined => {
    if (!c.req.header("linkedin-version")) {
      return c.json(
        {
          status: 400,
          code: "VERSION_MISSING",
          message: "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        },
        400,
      );
    }
    if (c.req.header("x-restli-protocol-version") !== "2.0.0") {
      return c.json({ status: 400, message: "X-Restli-Protocol-Version 2.0.0 is required" }, 400);
    }
    const state = control.tokenState();
    if (bearerToken(c) !== LINKEDIN_TOKEN)
      return c.json(
        { status: 401, serviceErrorCode: 65600, code: "INVALID_ACCESS_TOKEN", message: "Invalid access token" },
        401,
      );
    if (state === "revoked")
      return c.json(
        {
          status: 401,
          serviceErrorCode: 65601,
          code: "REVOKED_ACCESS_TOKEN",
          message: "The token used in the request has been revoked by the user",
        },
        401,
      );
    if (state === "expired")
      return c.json(
        {
          status: 401,
          serviceErrorCode: 65602,
          code: "EXPIRED_ACCESS_TOKEN",
          message: "The token used in the request has expired",
        },
        401,
      );
    return undefined;
  };
  const forbidden = (c: Context) =>
    c.json(
      {
        status: 403,
        serviceErrorCode: 100,
        code: "ACCESS_DENIED",
        message: `Not enough permissions to access: partnerApiPostsExternal.CREATE.20260101 for ${LINKEDIN_ORGANIZATION}`,
      },
      403,
    );
  const urnParam = (c: Context) => decodeURIComponent(c.req.param("urn") ?? "");

  // Images API: initializeUpload hands out an upload URL and the image URN; PUT the bytes there.
  const waiting = new Set<string>();
  app.post("/rest/images", async (c) => {
    const refused = gate(c);
    if (refused) return refused;
    if (c.req.query("action") !== "initializeUpload")
      return c.json({ status: 400, message: "Unsupported action" }, 400);
    const body = (await c.req.json().catch(() => ({}))) as { initializeUploadRequest?: { owner?: string } };
    const owner = body.initializeUploadRequest?.owner;
    if (!owner)
      return c.json({ status: 422, message: "ERROR :: /initializeUploadRequest/owner :: field is required" }, 422);
    if (control.restricted || owner !== LINKEDIN_ORGANIZATION) return forbidden(c);
    const id = imageIds.next();
    const urn = `urn:li:image:D4E10AQ${id}`;
    waiting.add(urn);
    const uploadUrl = `${c.req.url.split("/rest/images")[0]}/dms-uploads/${id}`;
    return c.json({ value: { uploadUrlExpiresAt: clock.now() + 86_400_000, uploadUrl, image: urn } });
  });

  app.put("/dms-uploads/:id", async (c) => {
    if (bearerToken(c) !== LINKEDIN_TOKEN) return c.json({ status: 401, message: "Invalid access token" }, 401);
    const urn = `urn:li:image:D4E10AQ${c.req.param("id")}`;
    if (!waiting.has(urn)) return c.json({ status: 404, message: "Upload URL not found" }, 404);
    const upload = await readRawUpload(c);
    if (!isImage(upload)) return c.json({ status: 400, message: "The upload is not an image" }, 400);
    waiting.delete(urn);
    store.addMedia({ id: urn, type: upload.type, size: upload.bytes.length });
    return c.body(null, 201);
  });

  app.post("/rest/posts", async (c) => {
    const refused = gate(c);
    if (refused) return refused;
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const missing = REQUIRED_FIELDS.find((f) => body[f] === undefined);
    if (missing) {
      return c.json(
        { status: 422, message: `ERROR :: /${missing} :: field is required but not found and has no default value` },
        422,
      );
    }
    if (control.restricted || body.author !== LINKEDIN_ORGANIZATION) return forbidden(c);
    const commentary = String(body.commentary ?? "");
    if (commentary.length > TEXT_LIMIT) {
      return c.json(
        { status: 422, message: `ERROR :: /commentary :: length ${commentary.length} exceeds ${TEXT_LIMIT}` },
        422,
      );
    }
    const duplicate = store.livePosts().find((p) => p.data.commentary === commentary);
    if (duplicate) {
      return c.json(
        {
          errorDetailType: "com.linkedin.common.error.BadRequest",
          message: `Unable to create post. Content is a duplicate of ${duplicate.id}`,
          errorDetails: {
            inputErrors: [{ description: "Duplicate post is detected", input: {}, code: "DUPLICATE_POST" }],
          },
          status: 422,
        },
        422,
      );
    }
    const mediaRef = readField(body, "content", "media") as { id?: string; altText?: string } | undefined;
    const image = mediaRef ? store.findMedia(String(mediaRef.id)) : undefined;
    if (mediaRef && !image) {
      return c.json(
        { status: 422, message: `ERROR :: /content/media/id :: ${mediaRef.id} is not an uploaded image` },
        422,
      );
    }
    const id = `urn:li:share:${ids.next()}`;
    store.addPost({
      id,
      text: renderLittleText(commentary),
      url: `https://www.linkedin.com/feed/update/${id}/`,
      data: {
        commentary,
        article: readField(body, "content", "article"),
        media: image ? [{ ...image, alt: mediaRef?.altText }] : [],
      },
    });
    c.header("x-restli-id", id);
    return c.body(null, 201);
  });

  app.get("/rest/posts", (c) => {
    const refused = gate(c);
    if (refused) return refused;
    if (c.req.query("q") !== "author" || c.req.query("author") !== LINKEDIN_ORGANIZATION)
      return c.json({ elements: [] });
    const count = Number(c.req.query("count") ?? 10);
    const elements = store
      .livePosts()
      .slice(-count)
      .reverse()
      .map((p) => ({
        id: p.id,
        author: LINKEDIN_ORGANIZATION,
        commentary: p.data.commentary,
        content: p.data.article ? { article: p.data.article } : undefined,
        lifecycleState: "PUBLISHED",
        visibility: "PUBLIC",
      }));
    return c.json({ elements, paging: { start: 0, count, links: [] } });
  });

  app.post("/rest/posts/:urn", async (c) => {
    const refused = gate(c);
    if (refused) return refused;
    if (c.req.header("x-restli-method") !== "PARTIAL_UPDATE")
      return c.json({ status: 400, message: "X-RestLi-Method PARTIAL_UPDATE required" }, 400);
    if (control.restricted) return forbidden(c);
    const post = store.findPost(urnParam(c));
    if (!post || post.deleted) return c.json({ status: 404, message: "Not Found" }, 404);
    const body = (await c.req.json().catch(() => ({}))) as { patch?: { $set?: { commentary?: string } } };
    const commentary = body.patch?.$set?.commentary;
    if (typeof commentary !== "string")
      return c.json({ status: 400, message: "patch.$set.commentary is required" }, 400);
    store.editPost(post, renderLittleText(commentary));
    post.data.commentary = commentary;
    return c.body(null, 204);
  });

  app.delete("/rest/posts/:urn", (c) => {
    const refused = gate(c);
    if (refused) return refused;
    if (control.restricted) return forbidden(c);
    const post = store.findPost(urnParam(c));
    if (post) post.deleted = true;
    return c.body(null, 204);
  });

  app.get("/rest/organizationAcls", (c) => {
    const refused = gate(c);
    if (refused) return refused;
    const role = control.restricted ? "ANALYST" : "ADMINISTRATOR";
    return c.json({
      elements: [{ roleAssignee: MEMBER, role, state: "APPROVED", organization: LINKEDIN_ORGANIZATION }],
      paging: { start: 0, count: 10, total: 1 },
    });
  });

  /** A comment as the Comments API renders it; `object` is the post it is on. */
  const toComment = (x: SandboxComment) => ({
    id: String(x.data?.id),
    commentUrn: x.id,
    actor: x.data?.actor,
    object: x.postId,
    message: { text: x.text, attributes: [] },
    created: { actor: x.data?.actor, time: Date.parse(String(x.createdAt)) },
    ...(x.data?.parentComment ? { parentComment: x.data.parentComment } : {}),
    commentsSummary: {
      aggregatedTotalComments: store.comments.filter((r) => !r.deleted && r.data?.parentComment === x.id).length,
    },
  });

  /** A comment on a post, or a reply to a top-level comment (LinkedIn nests one level). */
  const addComment = (targetUrn: string, text: string, actor: string) => {
    const parent = store.findComment(targetUrn);
    const post = store.findPost(parent ? parent.postId : targetUrn);
    if (!post || post.deleted || parent?.deleted || parent?.data?.parentComment) return undefined;
    const id = commentIds.next();
    return store.addComment({
      id: `urn:li:comment:(${post.id},${id})`,
      postId: post.id,
      author: actor,
      kind: "reply",
      text,
      url: `https://www.linkedin.com/feed/update/${post.id}/`,
      data: { id, actor, ...(parent ? { parentComment: parent.id } : {}) },
    });
  };

  app.get("/rest/socialActions/:target/comments", (c) => {
    const refused = gate(c);
    if (refused) return refused;
    if (control.restricted) return forbidden(c);
    const target = decodeURIComponent(c.req.param("target"));
    const post = store.findPost(target);
    const parent = store.findComment(target);
    if ((!post || post.deleted) && (!parent || parent.deleted))
      return c.json({ status: 404, message: "Not Found" }, 404);
    const all = store.comments.filter((x) =>
      post
        ? !x.deleted && x.postId === post.id && !x.data?.parentComment
        : !x.deleted && x.data?.parentComment === target,
    );
    const start = Number(c.req.query("start") ?? 0) || 0;
    const count = Math.min(Number(c.req.query("count") ?? 10) || 10, 100);
    return c.json({
      elements: all.slice(start, start + count).map(toComment),
      paging: { start, count, total: all.length, links: [] },
    });
  });

  app.post("/rest/socialActions/:target/comments", async (c) => {
    const refused = gate(c);
    if (refused) return refused;
    const body = (await c.req.json().catch(() => ({}))) as {
      actor?: string;
      object?: string;
      message?: { text?: string };
      parentComment?: string;
    };
    if (!body.actor || !body.object || typeof body.message?.text !== "string")
      return c.json({ status: 422, message: "ERROR :: /actor, /object and /message/text are required" }, 422);
    if (control.restricted || body.actor !== LINKEDIN_ORGANIZATION) return forbidden(c);
    const target = decodeURIComponent(c.req.param("target"));
    if (body.parentComment && body.parentComment !== target)
      return c.json({ status: 400, message: "parentComment must be the comment in the path" }, 400);
    const added = addComment(target, body.message.text, body.actor);
    if (!added) return c.json({ status: 404, message: "Not Found or nested too deep" }, 404);
    c.header("x-restli-id", String(added.data?.id));
    return c.json(toComment(added), 201);
  });

  app.delete("/rest/socialActions/:target/comments/:id", (c) => {
    const refused = gate(c);
    if (refused) return refused;
    if (control.restricted || c.req.query("actor") !== LINKEDIN_ORGANIZATION) return forbidden(c);
    const target = decodeURIComponent(c.req.param("target"));
    const comment = store.findComment(`urn:li:comment:(${target},${c.req.param("id")})`);
    if (comment) comment.deleted = true;
    return c.body(null, 204);
  });

  return {
    platform: "linkedin",
    addPublicReply: (input) => {
      if (input.kind && input.kind !== "reply") return { error: "LinkedIn gives comments on our posts only" };
      const target = input.postId ?? store.replyTarget()?.id;
      const name = (input.author ?? DEFAULT_PUBLIC_AUTHOR).replace(/[^A-Za-z0-9]/g, "");
      const added = target ? addComment(target, input.text, `urn:li:person:sbx${name}`) : undefined;
      return added ?? { error: "no post or top-level comment of ours to reply to" };
    },
    app,
    control,
    store,
    account: (baseUrl) => ({
      platform: "linkedin",
      handle: "Exempelkommun",
      baseUrl,
      options: { organizationUrn: LINKEDIN_ORGANIZATION },
      credential: { accessToken: LINKEDIN_TOKEN },
    }),
    reset: () => {
      store.clear();
      control.reset();
      ids.reset();
      imageIds.reset();
      commentIds.reset();
      waiting.clear();
    },
  };
}
