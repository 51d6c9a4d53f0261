import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const get = (path: string) => hub.app.request(path, {}, { deps: hub.deps });

describe("/prenumerera", () => {
  test("explains feeds in Swedish and lists the addresses to copy", async () => {
    const res = await get("/prenumerera");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("Vad är ett flöde?");
    const base = hub.deps.config.publicUrl;
    for (const feed of ["feed.atom", "feed.rss", "feed.json"]) expect(html).toContain(`<code>${base}/${feed}</code>`);
  });

  test("the public menu links to it instead of the raw feed", async () => {
    const html = await (await get("/")).text();
    const menu = html.slice(html.indexOf('aria-label="Huvudmeny"'), html.indexOf("</nav>"));
    expect(menu).toContain(`href="${hub.deps.config.publicUrl}/prenumerera">Prenumerera</a>`);
    expect(menu).not.toContain("feed.atom");
  });
});
