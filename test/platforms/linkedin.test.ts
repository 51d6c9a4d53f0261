import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { escapeLittleText } from "../../src/platforms/linkedin";
import { type Harness, key, startHarness, update } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

const li = () => h.platforms.linkedin;
const RESERVED_BODY = String.raw`Evakuering (uppdaterad) #kris @kommun [1] *viktigt* _obs_ ~ca~ <10> {a} | c:\temp`;

describe("LinkedIn", () => {
  test("escapes every little-text reserved character", () => {
    expect(escapeLittleText(String.raw`\|{}@[]()<>#*_~`)).toBe(String.raw`\\\|\{\}\@\[\]\(\)\<\>\#\*\_\~`);
  });

  test("a post with reserved characters arrives whole, with the link card", async () => {
    const content = update({ body: RESERVED_BODY });
    const composed = li().compose(content);
    expect(await li().publish(h.ctx("linkedin"), { composed, idempotencyKey: key() })).toMatchObject({ ok: true });
    const post = h.sandbox.state("linkedin").posts[0];
    expect(post.text).toBe(`${RESERVED_BODY}\n\n${content.link}`);
    expect(post.data.article).toEqual({ source: content.link, title: content.title });
  });

  test("without escaping LinkedIn would cut the post at the first reserved character", async () => {
    const composed = li().compose(update({ body: RESERVED_BODY }));
    const raw = { ...composed, payload: { ...composed.payload, commentary: RESERVED_BODY } };
    await li().publish(h.ctx("linkedin"), { composed: raw, idempotencyKey: key() });
    expect(h.sandbox.state("linkedin").posts[0].text).toBe("Evakuering ");
  });

  test("a 422 DUPLICATE_POST settles on the post it names", async () => {
    const composed = li().compose(update());
    const first = await li().publish(h.ctx("linkedin"), { composed, idempotencyKey: key() });
    const again = await li().publish(h.ctx("linkedin"), { composed, idempotencyKey: key() });
    expect(first).toMatchObject({ ok: true });
    expect(again).toEqual(first);
    expect(h.sandbox.state("linkedin").posts).toHaveLength(1);
  });
});
