// The crisis card of every published update: a PNG of the right size for Instagram and for link
// previews, drawn again when the text is corrected, and gone when the update is withdrawn.

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import decodePng, { init as initPngDecode } from "@jsquash/png/decode.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildCardTree, firstLines } from "../../src/render/crisis-card";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { pngSize } from "../helpers/images";

const require = createRequire(import.meta.url);
let hub: TestHub;
let slug: string;
let updateId: string;
beforeAll(async () => {
  await initPngDecode(
    await WebAssembly.compile(await readFile(require.resolve("@jsquash/png/codec/pkg/squoosh_png_bg.wasm"))),
  );
  hub = await startTestHub();
  const client = api(hub, hub.token);
  const incident = (await client.post("/api/v1/incidents", { title: "Vattenläcka på Storgatan", severity: "major" }))
    .json;
  slug = incident.slug;
  updateId = (
    await client.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Vattnet är avstängt på Storgatan 1–20." })
  ).json.id;
});
afterAll(() => hub.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  hub.app.request(path, { headers }, { deps: hub.deps });

describe("crisis cards", () => {
  test("card.png is a 1080x1350 PNG that decodes; og.png is 1200x630", async () => {
    const card = await get(`/incidents/${slug}/updates/1/card.png`);
    expect(card.status).toBe(200);
    expect(card.headers.get("content-type")).toBe("image/png");
    const bytes = new Uint8Array(await card.arrayBuffer());
    expect(pngSize(bytes)).toEqual({ width: 1080, height: 1350 });
    const decoded = await decodePng(bytes.buffer);
    expect([decoded.width, decoded.height]).toEqual([1080, 1350]);
    // The organisation profile's default primary colour (#0b2f52) fills the card.
    expect([...decoded.data.subarray(0, 3)]).toEqual([0x0b, 0x2f, 0x52]);

    const og = await get(`/incidents/${slug}/updates/1/og.png`);
    expect(pngSize(new Uint8Array(await og.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
  });

  test("the same revision answers 304 to its ETag; a correction makes a new card", async () => {
    const first = await get(`/incidents/${slug}/updates/1/card.png`);
    const etag = first.headers.get("etag") as string;
    expect((await get(`/incidents/${slug}/updates/1/card.png`, { "if-none-match": etag })).status).toBe(304);
    const edited = await api(hub, hub.token).patch(`/api/v1/updates/${updateId}`, {
      body: "Vattnet är avstängt på Storgatan 1–40.",
      reason: "Fel husnummer",
    });
    expect(edited.status).toBe(200);
    const second = await get(`/incidents/${slug}/updates/1/card.png`, { "if-none-match": etag });
    expect(second.status).toBe(200);
    expect(second.headers.get("etag")).not.toBe(etag);
  });

  test("a withdrawn update has no card (410); an unknown one is 404", async () => {
    const client = api(hub, hub.token);
    const incident = (await client.post("/api/v1/incidents", { title: "Brand", severity: "minor" })).json;
    const posted = (await client.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Rök i centrum." })).json;
    expect((await get(`/incidents/${incident.slug}/updates/1/card.png`)).status).toBe(200);
    const withdrawn = await client.post(`/api/v1/updates/${posted.id}/withdraw`, { reason: "Fel händelse" });
    expect(withdrawn.status).toBe(200);
    expect((await get(`/incidents/${incident.slug}/updates/1/card.png`)).status).toBe(410);
    expect((await get(`/incidents/${incident.slug}/updates/9/og.png`)).status).toBe(404);
    expect((await get(`/incidents/finns-inte/updates/1/card.png`)).status).toBe(404);
  });
});

describe("the card's content", () => {
  const content = {
    organisation: { name: "Exempelkommun", primaryColour: "#005a9c", textColour: "#ffffff", logo: null },
    incidentTitle: "Storm",
    number: 3,
    publishedAt: new Date("2026-11-22T13:05:00Z"),
    body: "Träd har fallit över vägen.",
    shortLink: "kris.exempel.se/incidents/storm/updates/3",
  };
  const text = (kind: "update" | "correction" | "all_clear") =>
    JSON.stringify(buildCardTree({ ...content, kind }, "card"));

  test("carries the title, the number and Stockholm time, the text and the short link", () => {
    const tree = text("update");
    for (const part of ["Exempelkommun", "Storm", "Uppdatering 3", "14:05", "Träd har fallit", content.shortLink])
      expect(tree).toContain(part);
  });

  test("marks corrections and all-clears visibly", () => {
    expect(text("update")).not.toContain("Rättelse");
    expect(text("correction")).toContain("Rättelse");
    expect(text("all_clear")).toContain("Faran över");
  });

  test("takes the first lines of a long text, cut at a word", () => {
    const long = "ord ".repeat(300);
    const cut = firstLines(long, 100);
    expect(cut.length).toBeLessThanOrEqual(102);
    expect(cut.endsWith(" …")).toBe(true);
  });
});
