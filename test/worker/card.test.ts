// Images in workerd, where WebAssembly cannot be compiled at request time: the crisis card (satori
// with its bundled HarfBuzz, then resvg; see src/workers/harfbuzz.ts), the icons drawn from the
// logo (resvg), and an upload decoded and re-encoded, all from the modules wrangler bundles.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import decodePng, { init as initPngDecode } from "@jsquash/png/decode.js";
import { afterAll, beforeAll, expect, test } from "vitest";
import { makeJpeg, pngSize } from "../helpers/images";
import { startWorkerHarness, type WorkerHarness } from "./harness";

const require = createRequire(import.meta.url);
let h: WorkerHarness;
beforeAll(async () => {
  await initPngDecode(
    await WebAssembly.compile(await readFile(require.resolve("@jsquash/png/codec/pkg/squoosh_png_bg.wasm"))),
  );
  h = await startWorkerHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const rgbAt = (image: ImageData, x: number, y: number) => [
  ...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3),
];

test("a published update's card.png renders in workerd at 1080x1350, with its text drawn", async () => {
  const incident = (await h.api("POST", "/incidents", { title: "Storm över kommunen", severity: "major" })).json;
  const posted = await h.api("POST", `/incidents/${incident.id}/updates`, { body: "Träd över vägen vid skolan." });
  expect(posted.status, JSON.stringify(posted.json)).toBe(201);
  const res = await h.get(`/incidents/${incident.slug}/updates/1/card.png`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(pngSize(bytes)).toEqual({ width: 1080, height: 1350 });
  const image = await decodePng(bytes.buffer);
  // The profile's default colours: #0b2f52 behind, white text.
  expect(rgbAt(image, 0, 0)).toEqual([0x0b, 0x2f, 0x52]);
  // The footer's rule is near the bottom; white above half-height is the name, title and body text,
  // so the fonts reached satori and HarfBuzz shaped them.
  let textPixels = 0;
  for (let y = 0; y < image.height / 2; y++) {
    for (let x = 0; x < image.width; x++) if (rgbAt(image, x, y).every((c) => c === 0xff)) textPixels++;
  }
  expect(textPixels).toBeGreaterThan(0);

  const og = await h.get(`/incidents/${incident.slug}/updates/1/og.png`);
  expect(og.status).toBe(200);
  expect(pngSize(new Uint8Array(await og.arrayBuffer()))).toEqual({ width: 1200, height: 630 });
}, 60_000);

test("the icons are rasterised in workerd: apple-touch-icon.png at 180 pixels, favicon.ico holding 32", async () => {
  const touch = await h.get("/apple-touch-icon.png");
  expect(touch.status).toBe(200);
  expect(touch.headers.get("content-type")).toBe("image/png");
  const touchImage = await decodePng(new Uint8Array(await touch.arrayBuffer()).buffer);
  expect([touchImage.width, touchImage.height]).toEqual([180, 180]);
  // No logo yet: the default "i" on the primary colour, white in the middle of its stem.
  expect(rgbAt(touchImage, 90, 120)).toEqual([0xff, 0xff, 0xff]);

  const ico = await h.get("/favicon.ico");
  expect(ico.status).toBe(200);
  expect(ico.headers.get("content-type")).toBe("image/x-icon");
  const icoBytes = new Uint8Array(await ico.arrayBuffer());
  expect([...icoBytes.subarray(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]);
  expect(pngSize(icoBytes.subarray(22))).toEqual({ width: 32, height: 32 });
}, 60_000);

test("an uploaded SVG logo becomes the apple-touch icon and goes on the card in workerd", async () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" fill="#e30613"/></svg>`;
  const res = await fetch(`${h.worker.url}/api/v1/organisation/logo`, {
    method: "PUT",
    headers: { authorization: "Bearer worker-test-bootstrap-token-0123456789", "content-type": "image/svg+xml" },
    body: svg,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const touch = await h.get("/apple-touch-icon.png");
  expect(touch.status).toBe(200);
  const image = await decodePng(new Uint8Array(await touch.arrayBuffer()).buffer);
  expect([image.width, image.height]).toEqual([180, 180]);
  expect(rgbAt(image, 90, 90)).toEqual([0xe3, 0x06, 0x13]);
  // The card, drawn again for the new look, carries the logo in its header.
  const incident = (await h.api("POST", "/incidents", { title: "Översvämning", severity: "minor" })).json;
  expect((await h.api("POST", `/incidents/${incident.id}/updates`, { body: "Källare under vatten." })).status).toBe(
    201,
  );
  const card = await h.get(`/incidents/${incident.slug}/updates/1/card.png`);
  expect(card.status).toBe(200);
  const cardImage = await decodePng(new Uint8Array(await card.arrayBuffer()).buffer);
  expect(rgbAt(cardImage, 120, 120)).toEqual([0xe3, 0x06, 0x13]);
}, 60_000);

test("an upload is cleaned in workerd", async () => {
  const res = await fetch(`${h.worker.url}/api/v1/media`, {
    method: "POST",
    headers: { authorization: "Bearer worker-test-bootstrap-token-0123456789", "content-type": "image/jpeg" },
    body: await makeJpeg(40, 30),
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  expect(body).toMatchObject({ width: 40, height: 30, type: "image/jpeg" });
}, 60_000);
