import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Harness, key, startHarness, update } from "./harness";

const LINK = "https://www.exempelkommun.se/kris/el?omrade=norr&sida=2";
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.reset());

const tg = () => h.platforms.telegram;

describe("Telegram", () => {
  test("escapes HTML so <script> arrives as text and the link as an anchor", async () => {
    const body = `Falska sms med <script>alert("x")</script> & länkar sprids – klicka inte.`;
    const composed = tg().compose(update({ body, link: LINK }));
    expect(composed.text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; länkar");
    expect(composed.text).toContain(`<a href="${LINK.replace("&", "&amp;")}">`);
    expect(await tg().publish(h.ctx("telegram"), { composed, idempotencyKey: key() })).toMatchObject({ ok: true });
    const post = h.sandbox.state("telegram").posts[0];
    expect(post.text).toBe(`${body}\n\n${LINK}`);
    expect(post.data.links).toEqual([{ text: LINK, url: LINK }]);
  });

  test("unescaped markup is refused by the platform as invalid", async () => {
    const composed = { ...tg().compose(update()), payload: { text: "<script>x</script>", parse_mode: "HTML" } };
    expect(await tg().publish(h.ctx("telegram"), { composed, idempotencyKey: key() })).toMatchObject({
      ok: false,
      class: "invalid",
    });
  });

  test("4,096 is counted after the markup is parsed", async () => {
    const room = 4096 - 2 - LINK.length;
    const exact = tg().compose(update({ body: "<".repeat(room), link: LINK }));
    expect(exact).toMatchObject({ length: 4096, fits: true, shortened: false });
    expect(exact.text.length).toBeGreaterThan(4096 * 3);
    expect(await tg().publish(h.ctx("telegram"), { composed: exact, idempotencyKey: key() })).toMatchObject({
      ok: true,
    });
    const over = tg().compose(update({ body: "ord ".repeat(1100), link: LINK }));
    expect(over.shortened).toBe(true);
    expect(over.length).toBeLessThanOrEqual(4096);
    expect(await tg().publish(h.ctx("telegram"), { composed: over, idempotencyKey: key() })).toMatchObject({
      ok: true,
    });
    expect(h.sandbox.state("telegram").posts[1].text.endsWith(LINK)).toBe(true);
  });

  test("a malformed bot token is auth", async () => {
    const ctx = { ...h.ctx("telegram"), credential: { botToken: "utan-kolon" } };
    expect(await tg().publish(ctx, { composed: tg().compose(update()), idempotencyKey: key() })).toMatchObject({
      ok: false,
      class: "auth",
    });
  });
});
