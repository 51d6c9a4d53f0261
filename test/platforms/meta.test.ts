// Facebook, Instagram and Threads specifics: images, containers, emoji counting, moderation.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { must } from "../helpers/must";
import { HANG_TIMEOUT_MS, type Harness, IMAGE, key, startHarness, update } from "./harness";

const LINK = "https://www.exempelkommun.se/kris/skola/1";
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

describe("Instagram", () => {
  const ig = () => h.platforms.instagram;

  test("without an image the post is skipped and publishing is invalid, with no request sent", async () => {
    const composed = ig().compose(update({ image: undefined }));
    expect(composed.skipReason).toBe("Instagram kräver en bild");
    expect(await ig().publish(h.ctx("instagram"), { composed, idempotencyKey: key() })).toMatchObject({
      ok: false,
      class: "invalid",
    });
    expect(h.sandbox.state("instagram").requests).toHaveLength(0);
  });

  test("the caption carries the link as text and the image with alt text", async () => {
    const composed = ig().compose(update({ link: LINK, body: "x ".repeat(1500), image: IMAGE }));
    expect(composed.length).toBeLessThanOrEqual(2200);
    expect(composed.text.endsWith(LINK)).toBe(true);
    expect(composed.payload).toMatchObject({ alt_text: "Grävmaskin vid läckan" });
  });

  test("waits for the container to finish before publishing", async () => {
    h.sandbox.control("instagram").configure({ pollsUntilFinished: 3 });
    expect(
      await ig().publish(h.ctx("instagram"), {
        composed: ig().compose(update({ image: IMAGE })),
        idempotencyKey: key(),
      }),
    ).toMatchObject({ ok: true });
    const polls = h.sandbox
      .state("instagram")
      .requests.filter((r) => r.method === "GET" && /\/v[\d.]+\/\d+$/.test(r.path));
    expect(polls.length).toBeGreaterThanOrEqual(3);
  });

  test("an image Meta cannot fetch is invalid", async () => {
    const content = update({ image: { url: "https://www.exempelkommun.se/broken.jpg", alt: "x" } });
    expect(
      await ig().publish(h.ctx("instagram"), { composed: ig().compose(content), idempotencyKey: key() }),
    ).toMatchObject({
      ok: false,
      class: "invalid",
    });
  });

  test("an unanswered container request is safe to retry", async () => {
    h.sandbox.control("instagram").hang({ match: "/media" });
    expect(
      await ig().publish(h.ctx("instagram", HANG_TIMEOUT_MS), {
        composed: ig().compose(update({ image: IMAGE })),
        idempotencyKey: key(),
      }),
    ).toMatchObject({
      ok: false,
      class: "retry",
    });
  });
});

describe("Threads", () => {
  const threads = () => h.platforms.threads;

  test("an emoji counts as its UTF-8 bytes toward 500", async () => {
    const room = 500 - 2 - LINK.length - 100 * 4;
    const exact = threads().compose(update({ body: `${"😀".repeat(100)}${"å".repeat(room)}`, link: LINK }));
    expect(exact).toMatchObject({ length: 500, fits: true, shortened: false });
    expect(await threads().publish(h.ctx("threads"), { composed: exact, idempotencyKey: key() })).toMatchObject({
      ok: true,
    });
    const over = threads().compose(update({ body: `${"😀".repeat(100)}${"å".repeat(room + 1)}`, link: LINK }));
    expect(over.shortened).toBe(true);
    expect(over.text.endsWith(LINK)).toBe(true);
  });
});

describe("Facebook moderation", () => {
  const fb = () => h.platforms.facebook;

  async function commentOnNewPost(): Promise<string> {
    const post = await fb().publish(h.ctx("facebook"), { composed: fb().compose(update()), idempotencyKey: key() });
    if (!post.ok) throw new Error(post.message);
    const res = await fetch(`${h.sandbox.baseUrlFor("facebook")}/v21.0/${post.remoteId}/comments`, {
      method: "POST",
      body: new URLSearchParams({ message: "Olämplig kommentar", access_token: "sandbox-facebook-user-token" }),
    });
    return ((await res.json()) as { id: string }).id;
  }

  test("removeComment hides by default, keeping the comment", async () => {
    const id = await commentOnNewPost();
    expect(await must(fb().removeComment, "removeComment on Facebook")(h.ctx("facebook"), id)).toMatchObject({
      ok: true,
      remoteId: id,
    });
    expect(h.sandbox.state("facebook").comments[0]).toMatchObject({ id, hidden: true, deleted: false });
  });

  test("removeComment deletes when the account says so", async () => {
    const id = await commentOnNewPost();
    const ctx = h.ctx("facebook");
    ctx.account.options.commentRemoval = "delete";
    expect(await must(fb().removeComment, "removeComment on Facebook")(ctx, id)).toMatchObject({ ok: true });
    expect(h.sandbox.state("facebook").comments[0]).toMatchObject({ id, deleted: true });
  });

  test("checkRights names the missing CREATE_CONTENT task", async () => {
    h.sandbox.control("facebook").restrict();
    const rights = await fb().checkRights(h.ctx("facebook"));
    expect(rights).toMatchObject({ ok: false, class: "rights" });
    expect(rights.detail).toContain("CREATE_CONTENT");
  });
});

describe("Graph rate limits", () => {
  // The chaos bench's 429: a Retry-After of 1-3 s beside the usage header, which can only say "1 minute".
  test.each(["facebook", "instagram", "threads"] as const)(
    "%s waits the Retry-After's seconds, not the usage header's minute",
    async (platform) => {
      const adapter = h.platforms[platform];
      // Instagram takes no post without an image.
      const content = update(platform === "instagram" ? { image: IMAGE } : {});
      h.sandbox.control(platform).failNext({ status: 429, retryAfterSeconds: 2, headers: { "retry-after": "2" } });
      const result = await adapter.publish(h.ctx(platform), {
        composed: adapter.compose(content),
        idempotencyKey: key(),
      });
      expect(result).toMatchObject({ ok: false, class: "retry", retryAfterSeconds: 2 });
      // Without a Retry-After the usage header is all there is, in minutes.
      h.sandbox.control(platform).failNext({ status: 429, retryAfterSeconds: 2 });
      const alone = await adapter.publish(h.ctx(platform), {
        composed: adapter.compose(content),
        idempotencyKey: key(),
      });
      expect(alone).toMatchObject({ ok: false, class: "retry", retryAfterSeconds: 60 });
    },
  );
});
