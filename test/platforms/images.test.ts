// Each adapter against its stand-in: the update's image and its alt text arrive the way the
// platform documents it, uploads that get no answer are "retry" (no post can exist yet), and a
// Bluesky link card carries the crisis card as its thumb.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { Platform, PostContent } from "../../src/platforms/types";
import { HANG_TIMEOUT_MS, type Harness, IMAGE, key, startHarness, TINY_PNG, update } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

function publish(platform: Platform, content: PostContent, timeoutMs?: number) {
  const adapter = h.platforms[platform];
  return adapter.publish(h.ctx(platform, timeoutMs), { composed: adapter.compose(content), idempotencyKey: key() });
}

async function publishOne(platform: Platform, content: PostContent = update({ image: IMAGE })) {
  const result = await publish(platform, content);
  expect(result).toMatchObject({ ok: true });
  const state = h.sandbox.state(platform);
  expect(state.posts).toHaveLength(1);
  return { post: state.posts[0], state };
}

/** The stand-ins that receive the file itself keep it as media: type, size and alt text. */
const UPLOADED = { type: "image/png", size: TINY_PNG.length, alt: IMAGE.alt };

describe("platforms that take the file", () => {
  test("Mastodon: POST /api/v2/media with the alt text as description, then media_ids[]", async () => {
    const { post, state } = await publishOne("mastodon");
    expect(state.media).toEqual([expect.objectContaining(UPLOADED)]);
    expect(post.data.media).toEqual([expect.objectContaining({ ...UPLOADED, id: state.media[0].id })]);
    expect(state.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining([expect.stringContaining("/api/v2/media")]),
    );
  });

  test("Mastodon: an upload still processing (202) is waited for before the status", async () => {
    h.sandbox.control("mastodon").configure({ mediaProcessingPolls: 2 });
    const { post } = await publishOne("mastodon");
    expect(post.data.media).toEqual([expect.objectContaining(UPLOADED)]);
  });

  test("Bluesky: uploadBlob, then an images embed with alt; the link stays a facet", async () => {
    const content = update({ image: IMAGE });
    const { post } = await publishOne("bluesky", content);
    expect(post.data.media).toEqual([expect.objectContaining(UPLOADED)]);
    const record = post.data.record as { embed: { $type: string; images: { alt: string }[] } };
    expect(record.embed.$type).toBe("app.bsky.embed.images");
    expect(record.embed.images[0].alt).toBe(IMAGE.alt);
    expect(post.data.links).toEqual([expect.objectContaining({ uri: content.link })]);
  });

  test("X: /2/media/upload, alt text through /2/media/metadata, then media_ids", async () => {
    const { post } = await publishOne("x");
    expect(post.data.media).toEqual([expect.objectContaining(UPLOADED)]);
  });

  test("LinkedIn: initializeUpload, PUT the bytes, then content.media with altText", async () => {
    const { post, state } = await publishOne("linkedin");
    expect(post.data.media).toEqual([
      expect.objectContaining({ ...UPLOADED, id: expect.stringMatching(/^urn:li:image:/) }),
    ]);
    expect(state.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^POST .*\/rest\/images/),
        expect.stringMatching(/^PUT .*\/dms-uploads\//),
      ]),
    );
  });

  test("without bytes, the adapter fetches the image from its URL", async () => {
    const sandboxImage = `${h.sandbox.url}/_nothing-here.png`;
    const result = await publish("mastodon", update({ image: { url: sandboxImage, alt: "Saknas" } }));
    // The sandbox answers 404 for that URL: the image is not there, which retrying will not change.
    expect(result).toMatchObject({ ok: false, class: "invalid" });
    expect(h.sandbox.state("mastodon").posts).toHaveLength(0);
  });
});

describe("platforms that fetch the image from its URL", () => {
  test("Facebook: /{page}/photos with url, caption and alt_text_custom", async () => {
    const content = update({ image: IMAGE });
    const { post } = await publishOne("facebook", content);
    expect(post.data).toMatchObject({ imageUrl: IMAGE.url, altText: IMAGE.alt });
    expect(post.text).toContain(content.link);
    expect(post.id).toMatch(/^\d+_\d+$/);
  });

  test("Threads: an IMAGE container with image_url and alt_text", async () => {
    const { post } = await publishOne("threads");
    expect(post.data).toMatchObject({ imageUrl: IMAGE.url, altText: IMAGE.alt });
  });

  test("Telegram: sendPhoto with the caption, cut to 1,024 characters", async () => {
    const content = update({ image: IMAGE, body: "Vatten. ".repeat(300) });
    const composed = h.platforms.telegram.compose(content);
    expect(composed).toMatchObject({ limit: 1024, fits: true, shortened: true });
    expect(composed.image).toMatchObject({ url: IMAGE.url, altSent: false });
    const { post } = await publishOne("telegram", content);
    expect(post.data.photo).toBe(IMAGE.url);
    expect(post.text.length).toBeLessThanOrEqual(1024);
    expect(post.text).toContain(content.link);
  });

  test("Telegram: a photo's correction edits its caption", async () => {
    const adapter = h.platforms.telegram;
    const first = await publish("telegram", update({ image: IMAGE, body: "Före." }));
    if (!first.ok) throw new Error(first.message);
    const edited = await adapter.edit?.(
      h.ctx("telegram"),
      first.remoteId,
      adapter.compose(update({ image: IMAGE, body: "Efter." })),
    );
    expect(edited).toMatchObject({ ok: true });
    expect(h.sandbox.state("telegram").posts[0].text).toContain("Efter.");
  });
});

describe("uploads that get no answer are retry, never unconfirmed", () => {
  test.each([
    ["mastodon", "/api/v2/media"],
    ["bluesky", "uploadBlob"],
    ["x", "/2/media/upload"],
    ["x", "/2/media/metadata"],
    ["linkedin", "/rest/images"],
    ["linkedin", "/dms-uploads/"],
  ] as const)("%s %s", async (platform, path) => {
    h.sandbox.control(platform).hang({ match: path });
    const result = await publish(platform, update({ image: IMAGE }), HANG_TIMEOUT_MS);
    expect(result).toMatchObject({ ok: false, class: "retry" });
    expect(h.sandbox.state(platform).posts).toHaveLength(0);
  });
});

describe("Bluesky link card", () => {
  test("an update without an image gets the crisis card uploaded as the card's thumb", async () => {
    // A card served by the sandbox's own host stands in for <permalink>/og.png on the hub.
    const card = `${h.sandbox.url}/_card.png`;
    const origin = h.ctx("bluesky");
    const ctx = {
      ...origin,
      send: (url: string, init?: Parameters<typeof origin.send>[1]) =>
        url === card
          ? Promise.resolve(new Response(TINY_PNG, { headers: { "content-type": "image/png" } }))
          : origin.send(url, init),
    };
    const adapter = h.platforms.bluesky;
    const composed = adapter.compose(update({ linkCard: { url: card } }));
    expect(await adapter.publish(ctx, { composed, idempotencyKey: key() })).toMatchObject({ ok: true });
    const [post] = h.sandbox.state("bluesky").posts;
    const embed = (post.data.record as { embed: { $type: string; external: { thumb?: unknown } } }).embed;
    expect(embed.$type).toBe("app.bsky.embed.external");
    expect(embed.external.thumb).toMatchObject({ $type: "blob", mimeType: "image/png", size: TINY_PNG.length });
    expect(post.data.thumb).toMatchObject({ type: "image/png", size: TINY_PNG.length });
  });

  test("a card the hub cannot serve leaves the link card without a thumb", async () => {
    const composed = h.platforms.bluesky.compose(update({ linkCard: { url: `${h.sandbox.url}/_no-card.png` } }));
    const result = await h.platforms.bluesky.publish(h.ctx("bluesky"), { composed, idempotencyKey: key() });
    expect(result).toMatchObject({ ok: true });
    const [post] = h.sandbox.state("bluesky").posts;
    expect((post.data.record as { embed: { external: { thumb?: unknown } } }).embed.external.thumb).toBeUndefined();
  });
});
