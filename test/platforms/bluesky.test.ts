import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createPlatforms } from "../../src/platforms";
import { HANG_TIMEOUT_MS, type Harness, key, NOW, startHarness, update } from "./harness";

const LINK = "https://www.exempelkommun.se/kris/brand/2";
const FAMILY = "👨‍👩‍👧"; // one grapheme, 18 UTF-8 bytes
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

let adapters: ReturnType<typeof createPlatforms> | undefined;
const bsky = () => (adapters ?? h.platforms).bluesky;
/** A new adapter set, so no session is cached from an earlier test. */
const bskyFresh = () => {
  adapters = createPlatforms({ sleep: async () => {} });
};
const publish = (content = update(), replyTo?: string, timeoutMs?: number) =>
  bsky().publish(h.ctx("bluesky", timeoutMs), { composed: bsky().compose(content), idempotencyKey: key(), replyTo });
const requests = (fragment: string) =>
  h.sandbox.state("bluesky").requests.filter((r) => r.path.includes(fragment)).length;

describe("Bluesky text", () => {
  test("link facets use UTF-8 byte offsets after å ä ö and emoji", async () => {
    const body = `Brand i Ärlinghöjden – håll fönster stängda 🔥 ${FAMILY}. Info: https://karta.exempelkommun.se/brand`;
    const composed = bsky().compose(update({ body, link: LINK }));
    const text = composed.text;
    const facets = composed.payload.facets as {
      index: { byteStart: number; byteEnd: number };
      features: { uri: string }[];
    }[];
    const start = Buffer.byteLength(text.slice(0, text.lastIndexOf(LINK)), "utf8");
    expect(facets.at(-1)).toEqual({
      index: { byteStart: start, byteEnd: start + Buffer.byteLength(LINK) },
      features: [{ $type: "app.bsky.richtext.facet#link", uri: LINK }],
    });
    expect(start).toBeGreaterThan(text.lastIndexOf(LINK)); // bytes, not UTF-16 units
    expect(await publish(update({ body, link: LINK }))).toMatchObject({ ok: true });
    const stored = h.sandbox.state("bluesky").posts[0].data.links as { text: string; uri: string }[];
    expect(stored).toEqual([
      { text: "https://karta.exempelkommun.se/brand", uri: "https://karta.exempelkommun.se/brand" },
      { text: LINK, uri: LINK },
    ]);
  });

  test("300 graphemes fit even when the bytes are many more; 301 are shortened", async () => {
    const room = 300 - 2 - LINK.length;
    const exact = bsky().compose(update({ body: `${FAMILY}${"ö".repeat(room - 1)}`, link: LINK }));
    expect(exact).toMatchObject({ length: 300, fits: true, shortened: false });
    expect(Buffer.byteLength(exact.text)).toBeGreaterThan(300 + 17);
    expect(await publish(update({ body: `${FAMILY}${"ö".repeat(room - 1)}`, link: LINK }))).toMatchObject({ ok: true });
    const over = bsky().compose(update({ body: "ö".repeat(room + 1), link: LINK }));
    expect(over.shortened).toBe(true);
    expect(over.length).toBeLessThanOrEqual(300);
    expect(over.text.endsWith(LINK)).toBe(true);
  });

  test("the 3,000-byte limit binds too", async () => {
    const body = `${FAMILY} `.repeat(200);
    const composed = bsky().compose(update({ body, link: LINK }));
    expect(composed.shortened).toBe(true);
    expect(Buffer.byteLength(composed.text)).toBeLessThanOrEqual(3000);
    expect(composed.text.endsWith(LINK)).toBe(true);
    expect(await publish(update({ body, link: LINK }))).toMatchObject({ ok: true });
  });

  test("carries a link card and the injected clock's createdAt", async () => {
    await publish(update({ link: LINK, title: "Brand i Ärlinghöjden" }));
    const record = h.sandbox.state("bluesky").posts[0].data.record as Record<string, unknown>;
    expect(record.embed).toMatchObject({
      $type: "app.bsky.embed.external",
      external: { uri: LINK, title: "Brand i Ärlinghöjden" },
    });
    expect(record.createdAt).toBe(NOW.toISOString());
  });
});

describe("Bluesky sessions", () => {
  test("one createSession serves many posts", async () => {
    bskyFresh();
    await publish();
    await publish();
    await bsky().checkRights(h.ctx("bluesky"));
    expect(requests("createSession")).toBe(1);
  });

  test("an expired access token is refreshed and the post goes through", async () => {
    await publish();
    const [refreshes, creates] = [requests("refreshSession"), requests("createSession")];
    h.sandbox.control("bluesky").expireTokens();
    expect(await publish()).toMatchObject({ ok: true });
    expect(requests("refreshSession")).toBe(refreshes + 1);
    expect(requests("createSession")).toBe(creates);
    expect(h.sandbox.state("bluesky").posts).toHaveLength(2);
  });

  test("a lost answer to createSession is retry: a session cannot have posted", async () => {
    bskyFresh();
    h.sandbox.control("bluesky").hang({ match: "createSession", afterHandling: true });
    expect(await publish(update(), undefined, HANG_TIMEOUT_MS)).toMatchObject({ ok: false, class: "retry" });
    h.sandbox.control("bluesky").releaseHangs();
    expect(h.sandbox.state("bluesky").posts).toHaveLength(0);
    expect(await publish()).toMatchObject({ ok: true });
  });

  test("a lost answer to refreshSession is never unconfirmed: the adapter logs in again and posts once", async () => {
    bskyFresh();
    await publish();
    h.sandbox.control("bluesky").expireTokens();
    h.sandbox.control("bluesky").hang({ match: "refreshSession", afterHandling: true });
    // The refresh token rotated unseen, so it is spent: a new login serves the post in the same attempt.
    expect(await publish(update(), undefined, HANG_TIMEOUT_MS)).toMatchObject({ ok: true });
    h.sandbox.control("bluesky").releaseHangs();
    expect(h.sandbox.state("bluesky").posts).toHaveLength(2);
    expect(requests("createSession")).toBe(2);
    // And when that login's answer is lost too, the attempt is retry, with nothing posted.
    h.sandbox.control("bluesky").expireTokens();
    h.sandbox.control("bluesky").hang({ match: "refreshSession", afterHandling: true });
    h.sandbox.control("bluesky").hang({ match: "createSession", afterHandling: true });
    expect(await publish(update(), undefined, HANG_TIMEOUT_MS)).toMatchObject({ ok: false, class: "retry" });
    h.sandbox.control("bluesky").releaseHangs();
    expect(h.sandbox.state("bluesky").posts).toHaveLength(2);
  });

  test("a refreshSession refused with 503 keeps the session for the next attempt instead of logging in again", async () => {
    bskyFresh();
    await publish();
    h.sandbox.control("bluesky").expireTokens();
    h.sandbox.control("bluesky").failNext({ status: 503, match: "refreshSession" });
    expect(await publish()).toMatchObject({ ok: false, class: "retry" });
    expect(await publish()).toMatchObject({ ok: true });
    expect(requests("createSession")).toBe(1);
    expect(requests("refreshSession")).toBe(2);
  });

  test("a lost answer to createRecord keeps the session", async () => {
    bskyFresh();
    await publish();
    h.sandbox.control("bluesky").hang({ match: "createRecord", afterHandling: true });
    expect(await publish(update(), undefined, HANG_TIMEOUT_MS)).toMatchObject({ ok: false, class: "unconfirmed" });
    h.sandbox.control("bluesky").releaseHangs();
    expect(await publish()).toMatchObject({ ok: true });
    expect(requests("createSession")).toBe(1);
    expect(requests("refreshSession")).toBe(0);
  });

  test("replies to posts this adapter made need no getRecord; another adapter reads the root once", async () => {
    bskyFresh();
    const root = await publish();
    if (!root.ok) throw new Error(root.message);
    const reply = await publish(update(), root.remoteId);
    if (!reply.ok) throw new Error(reply.message);
    await publish(update(), reply.remoteId);
    expect(requests("getRecord")).toBe(0);
    bskyFresh();
    await publish(update(), root.remoteId);
    await publish(update(), root.remoteId);
    expect(requests("getRecord")).toBe(1);
    type ThreadedRecord = { reply?: { root: { uri: string }; parent: { uri: string } } };
    const records = h.sandbox.state("bluesky").posts.map((p) => p.data.record as ThreadedRecord);
    expect(records.slice(1).map((r) => r.reply?.root.uri)).toEqual([
      root.remoteId,
      root.remoteId,
      root.remoteId,
      root.remoteId,
    ]);
    expect(records[2].reply?.parent.uri).toBe(reply.remoteId);
  });

  test("a wrong app password is auth", async () => {
    const ctx = { ...h.ctx("bluesky"), credential: { identifier: "exempelkommun.bsky.social", appPassword: "fel" } };
    ctx.account = { ...ctx.account, id: "another-account" };
    expect(await bsky().publish(ctx, { composed: bsky().compose(update()), idempotencyKey: key() })).toMatchObject({
      ok: false,
      class: "auth",
    });
  });

  test("replies keep the thread's first post as root", async () => {
    const first = await publish();
    if (!first.ok) throw new Error(first.message);
    const second = await publish(update(), first.remoteId);
    if (!second.ok) throw new Error(second.message);
    await publish(update(), second.remoteId);
    const third = h.sandbox.state("bluesky").posts[2].data.record as {
      reply: { root: { uri: string }; parent: { uri: string } };
    };
    expect(third.reply.root.uri).toBe(first.remoteId);
    expect(third.reply.parent.uri).toBe(second.remoteId);
  });
});
