import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { must } from "../helpers/must";
import { type Harness, key, startHarness, update } from "./harness";

const LONG_LINK = `https://www.exempelkommun.se/kris/${"storm-".repeat(12)}uppdatering`;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

const masto = () => h.platforms.mastodon;

describe("Mastodon", () => {
  test("the same Idempotency-Key twice makes one post", async () => {
    const composed = masto().compose(update());
    const idempotencyKey = key();
    const first = await masto().publish(h.ctx("mastodon"), { composed, idempotencyKey });
    const again = await masto().publish(h.ctx("mastodon"), { composed, idempotencyKey });
    expect(first).toMatchObject({ ok: true });
    expect(again).toEqual(first);
    expect(h.sandbox.state("mastodon").posts).toHaveLength(1);
    await masto().publish(h.ctx("mastodon"), { composed, idempotencyKey: key() });
    expect(h.sandbox.state("mastodon").posts).toHaveLength(2);
  });

  test("reads the instance's limits and counts every URL as 23", async () => {
    h.sandbox.control("mastodon").configure({ maxCharacters: 120 });
    const limits = await must(masto().fetchLimits, "fetchLimits on Mastodon")(h.ctx("mastodon"));
    expect(limits).toEqual({ maxChars: 120, charsPerUrl: 23 });
    const exact = masto().compose(update({ body: "ä".repeat(95), link: LONG_LINK }), limits);
    expect(exact).toMatchObject({ length: 120, limit: 120, fits: true, shortened: false });
    const over = masto().compose(update({ body: "ä".repeat(96), link: LONG_LINK }), limits);
    expect(over.shortened).toBe(true);
    expect(over.text.endsWith(LONG_LINK)).toBe(true);
    const ctx = h.ctx("mastodon");
    expect(await masto().publish(ctx, { composed: exact, idempotencyKey: key() })).toMatchObject({ ok: true });
    // Composed for the default 500, the same text is too long for this instance.
    const tooLong = masto().compose(update({ body: "ä".repeat(200), link: LONG_LINK }));
    expect(await masto().publish(ctx, { composed: tooLong, idempotencyKey: key() })).toMatchObject({
      ok: false,
      class: "invalid",
    });
  });

  test("counts graphemes: a family emoji is one", () => {
    const composed = masto().compose(update({ body: "👨‍👩‍👧", link: LONG_LINK }));
    expect(composed.length).toBe(1 + 2 + 23);
  });
});
