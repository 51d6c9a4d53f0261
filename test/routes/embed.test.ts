import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  hub.app.request(path, { headers }, { deps: hub.deps });

interface FakeElement {
  tag: string;
  textContent: string;
  attributes: Record<string, string>;
  style: Record<string, string>;
  children: FakeElement[];
  [property: string]: unknown;
}

/** Runs embed.js against a document of plain objects whose fetch is the app, and returns the body. */
async function runScript(script: string) {
  const make = (tag: string): FakeElement => {
    const el: FakeElement = {
      tag,
      textContent: "",
      attributes: {},
      style: {},
      children: [],
      setAttribute: (name: string, value: string) => {
        el.attributes[name] = value;
      },
      appendChild: (child: FakeElement) => el.children.push(child),
      insertBefore: (child: FakeElement) => el.children.unshift(child),
      firstChild: null,
    };
    return el;
  };
  const body = make("body");
  const requested: string[] = [];
  const fetched = new Promise<void>((resolve) => {
    const document = {
      currentScript: { src: "https://kris.exempel.se/embed.js" },
      createElement: make,
      body,
    };
    const fetch = async (url: string, init: RequestInit) => {
      requested.push(`${url} ${init.credentials}`);
      const res = await hub.app.request(new URL(url).pathname, {}, { deps: hub.deps });
      setTimeout(resolve, 10);
      return res;
    };
    new Function("document", "fetch", "URL", script)(document, fetch, URL);
  });
  await fetched;
  return { body, requested };
}

const text = (el: FakeElement): string => el.textContent + el.children.map(text).join("");

describe("the crisis banner", () => {
  test("with nothing active: empty data, an empty frame and a script that inserts nothing", async () => {
    const json = await get("/embed.json");
    expect(json.status).toBe(200);
    expect(json.headers.get("access-control-allow-origin")).toBe("*");
    expect((await json.json()).incidents).toEqual([]);
    const page = await (await get("/embed")).text();
    expect(page).toContain("<body></body>");
    const { body, requested } = await runScript(await (await get("/embed.js")).text());
    expect(requested).toEqual(["https://kris.exempel.se/embed.json omit"]);
    expect(body.children).toEqual([]);
  });

  test("an active incident: title, latest update time and link, in the organisation's colours", async () => {
    const admin = api(hub, hub.token);
    await admin.patch("/api/v1/organisation", { primaryColour: "#5a1d6e", textColour: "#ffffff" });
    const incident = (await admin.post("/api/v1/incidents", { title: "Vattenläcka <Centrum>", severity: "major" }))
      .json;
    hub.clock.advance(60_000);
    await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Koka vattnet." });
    const url = `https://kris.exempel.se/incidents/${incident.slug}`;

    const json = await get("/embed.json");
    const data = await json.json();
    expect(data).toMatchObject({ organisation: "Exempelkommun", primaryColour: "#5a1d6e", textColour: "#ffffff" });
    expect(data.incidents).toEqual([
      { title: "Vattenläcka <Centrum>", url, severity: "major", updatedAt: hub.clock.now().toISOString() },
    ]);
    const etag = json.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    expect((await get("/embed.json", { "if-none-match": etag })).status).toBe(304);

    const page = await get("/embed");
    expect(page.headers.get("content-type")).toContain("text/html");
    const policy = page.headers.get("content-security-policy") as string;
    expect(policy).toContain("frame-ancestors *");
    expect(policy).toContain("default-src 'none'");
    expect(page.headers.get("set-cookie")).toBeNull();
    const html = await page.text();
    expect(html).toContain('<aside aria-label="Krisinformation från Exempelkommun">');
    expect(html).toContain(`<a href="${url}" target="_blank" rel="noopener">Vattenläcka &lt;Centrum&gt;</a>`);
    expect(html).toContain(`<time datetime="${hub.clock.now().toISOString()}">`);
    expect(html).toContain("background:#5a1d6e");
    // Every other public page still refuses to be framed.
    expect((await get("/")).headers.get("content-security-policy")).toContain("frame-ancestors 'none'");

    const js = await get("/embed.js");
    expect(js.headers.get("content-type")).toContain("javascript");
    const script = await js.text();
    expect(new TextEncoder().encode(script).byteLength).toBeLessThan(3 * 1024);
    expect(script).not.toMatch(/cookie|localStorage|innerHTML/);
    const { body } = await runScript(script);
    const [aside] = body.children;
    expect(aside.tag).toBe("aside");
    expect(aside.attributes["aria-label"]).toBe("Krisinformation från Exempelkommun");
    expect(aside.style).toMatchObject({ background: "#5a1d6e", color: "#ffffff" });
    const link = aside.children[1].children[0].children[0];
    expect(link).toMatchObject({ tag: "a", href: url, textContent: "Vattenläcka <Centrum>" });
    expect(aside.children[1].children[0].children[1]).toMatchObject({
      tag: "time",
      dateTime: hub.clock.now().toISOString(),
    });
    expect(text(aside)).toContain("uppdaterad");
  });

  test("a closed incident leaves the banner", async () => {
    const admin = api(hub, hub.token);
    const [first] = (await admin.get("/api/v1/incidents")).json.incidents;
    const closed = await admin.post(`/api/v1/incidents/${first.id}/close`, {});
    expect(closed.status, closed.text).toBe(200);
    expect((await (await get("/embed.json")).json()).incidents).toEqual([]);
  });
});
