import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { must } from "../helpers/must";
import { type Harness, key, startHarness, update } from "./harness";

const LONG_LINK = `https://www.exempelkommun.se/kris/${"vattenlacka-".repeat(8)}uppdatering`;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

const x = () => h.platforms.x;

describe("X weighted length", () => {
  test("a URL of any length weighs 23, so 255 letters + blank line + link is exactly 280", () => {
    expect(LONG_LINK.length).toBeGreaterThan(100);
    const exact = x().compose(update({ body: "a".repeat(255), link: LONG_LINK }));
    expect(exact).toMatchObject({ length: 280, limit: 280, fits: true, shortened: false });
    const over = x().compose(update({ body: "a".repeat(256), link: LONG_LINK }));
    expect(over.shortened).toBe(true);
    expect(over.length).toBeLessThanOrEqual(280);
    expect(over.text.endsWith(LONG_LINK)).toBe(true);
  });

  test("an emoji weighs 2 and å ä ö weigh 1", () => {
    const emoji = x().compose(update({ body: `${"😀".repeat(127)}a`, link: LONG_LINK }));
    expect(emoji).toMatchObject({ length: 280, fits: true, shortened: false });
    const swedish = x().compose(update({ body: "åäö".repeat(85), link: LONG_LINK }));
    expect(swedish).toMatchObject({ length: 255 + 25, fits: true, shortened: false });
    const over = x().compose(update({ body: `${"😀".repeat(127)}ab`, link: LONG_LINK }));
    expect(over.shortened).toBe(true);
    expect(over.text).toContain(LONG_LINK);
  });

  test("a URL inside the body also weighs 23", () => {
    const body = `Se karta https://karta.exempelkommun.se/${"x".repeat(60)} ${"a".repeat(10)}`;
    expect(x().compose(update({ body, link: LONG_LINK })).length).toBe(9 + 23 + 1 + 10 + 2 + 23);
  });

  test("a post exactly at the limit is accepted", async () => {
    const composed = x().compose(update({ body: `${"😀".repeat(100)} ${"ö".repeat(54)}`, link: LONG_LINK }));
    expect(composed.length).toBe(280);
    expect(await x().publish(h.ctx("x"), { composed, idempotencyKey: key() })).toMatchObject({ ok: true });
  });
});

describe("X duplicates", () => {
  test("a duplicate of our own unanswered post settles on that post instead of failing", async () => {
    const composed = x().compose(update());
    const first = await x().publish(h.ctx("x"), { composed, idempotencyKey: key() });
    const again = await x().publish(h.ctx("x"), { composed, idempotencyKey: key() });
    expect(first).toMatchObject({ ok: true });
    expect(again).toEqual(first);
    expect(h.sandbox.state("x").posts).toHaveLength(1);
  });

  test("a duplicate 403 that is not ours is invalid, not rights", async () => {
    h.sandbox.control("x").failNext({
      status: 403,
      body: {
        detail: "You are not allowed to create a Tweet with duplicate content.",
        type: "about:blank",
        title: "Forbidden",
        status: 403,
      },
    });
    const result = await x().publish(h.ctx("x"), { composed: x().compose(update()), idempotencyKey: key() });
    expect(result).toMatchObject({ ok: false, class: "invalid" });
  });

  test("an edit is a new post naming the one it replaces", async () => {
    const first = await x().publish(h.ctx("x"), { composed: x().compose(update()), idempotencyKey: key() });
    if (!first.ok) throw new Error(first.message);
    const edited = await must(x().edit, "edit on X")(
      h.ctx("x"),
      first.remoteId,
      x().compose(update({ body: "Rättelse" })),
    );
    expect(edited.ok && edited.remoteId).not.toBe(first.remoteId);
    expect(h.sandbox.state("x").posts[1].data.editOf).toBe(first.remoteId);
  });
});
