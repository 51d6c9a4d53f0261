import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MIN_COMPRESSIBLE_BYTES } from "../../src/render/compressor";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";

let hub: TestHub;
let incident: { id: string; slug: string };
beforeAll(async () => {
  hub = await startTestHub();
  const a = api(hub, hub.token);
  incident = (await a.post("/api/v1/incidents", { title: "Vattenläcka i centrum", severity: "major" })).json;
  for (let i = 1; i <= 5; i++) {
    await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: `Uppdatering ${i}: vattnet är avstängt.` });
  }
});
afterAll(() => hub.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  hub.app.request(path, { headers }, { deps: hub.deps });
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

const PUBLIC_PATHS = () => [
  "/",
  `/incidents/${incident.slug}`,
  `/incidents/${incident.slug}/feed.atom`,
  "/feed.rss",
  "/cap.atom",
];

describe("public renderings compressed once per change", () => {
  test("brotli and gzip bodies decompress to exactly the plain bytes, on every kind of public resource", async () => {
    for (const path of PUBLIC_PATHS()) {
      const plain = await get(path);
      expect(plain.status, path).toBe(200);
      expect(plain.headers.get("content-encoding"), path).toBeNull();
      const plainBytes = await bytesOf(plain);
      const br = await get(path, { "accept-encoding": "gzip, deflate, br" });
      expect(br.headers.get("content-encoding"), path).toBe("br");
      const brBytes = await bytesOf(br);
      expect(brBytes.byteLength, path).toBeLessThan(plainBytes.byteLength);
      expect(new Uint8Array(brotliDecompressSync(brBytes)), path).toEqual(plainBytes);
      const gz = await get(path, { "accept-encoding": "gzip" });
      expect(gz.headers.get("content-encoding"), path).toBe("gzip");
      expect(new Uint8Array(gunzipSync(await bytesOf(gz))), path).toEqual(plainBytes);
    }
  });

  test("a body too small to gain from compression is served plain, under the plain ETag", async () => {
    const plain = await get("/channels.json");
    const bytes = await bytesOf(plain);
    expect(bytes.byteLength).toBeLessThan(MIN_COMPRESSIBLE_BYTES);
    const asked = await get("/channels.json", { "accept-encoding": "br, gzip" });
    expect(asked.headers.get("content-encoding")).toBeNull();
    expect(asked.headers.get("etag")).toBe(plain.headers.get("etag"));
    expect(asked.headers.get("vary")).toBe("Accept-Encoding");
    expect(await bytesOf(asked)).toEqual(bytes);
  });

  test("every answer says Vary: Accept-Encoding, the plain one included", async () => {
    const variants: Record<string, string>[] = [{}, { "accept-encoding": "br" }, { "accept-encoding": "gzip" }];
    for (const headers of variants) {
      const res = await get(`/incidents/${incident.slug}`, headers);
      expect(res.headers.get("vary")).toBe("Accept-Encoding");
    }
  });

  test("each encoding has its own strong ETag, and 304 answers only its own", async () => {
    const path = `/incidents/${incident.slug}`;
    const plain = must((await get(path)).headers.get("etag"), "the plain ETag");
    const br = must((await get(path, { "accept-encoding": "br" })).headers.get("etag"), "the br ETag");
    const gz = must((await get(path, { "accept-encoding": "gzip" })).headers.get("etag"), "the gzip ETag");
    for (const etag of [plain, br, gz]) expect(etag).toMatch(/^"[^"]+"$/);
    expect(new Set([plain, br, gz]).size).toBe(3);
    expect(br).toBe(`${plain.slice(0, -1)}-br"`);
    expect(gz).toBe(`${plain.slice(0, -1)}-gz"`);

    const notModified = await get(path, { "accept-encoding": "br", "if-none-match": br });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(br);
    expect(notModified.headers.get("content-encoding")).toBe("br");
    expect((await get(path, { "accept-encoding": "gzip", "if-none-match": gz })).status).toBe(304);
    expect((await get(path, { "if-none-match": plain })).status).toBe(304);
    // A validator for other bytes than the ones this request would get is not a match.
    const mismatched = await get(path, { "accept-encoding": "gzip", "if-none-match": br });
    expect(mismatched.status).toBe(200);
    expect(mismatched.headers.get("content-encoding")).toBe("gzip");
    expect((await get(path, { "if-none-match": br })).status).toBe(200);
  });

  test("a public change replaces the compressed copies too", async () => {
    const path = `/incidents/${incident.slug}`;
    const before = await get(path, { "accept-encoding": "br" });
    const etag = must(before.headers.get("etag"), "the br ETag");
    await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Vattnet är tillbaka." });
    const after = await get(path, { "accept-encoding": "br", "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(brotliDecompressSync(await bytesOf(after)).toString("utf8")).toContain("Vattnet är tillbaka.");
  });

  test("compression runs once per change, not once per request", async () => {
    const original = must(hub.deps.compressor, "the test hub's compressor");
    let calls = 0;
    hub.deps.compressor = {
      encodings: original.encodings,
      compress: (bytes, encoding) => {
        calls++;
        return original.compress(bytes, encoding);
      },
    };
    try {
      const path = `/incidents/${incident.slug}`;
      await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Ännu en." });
      await Promise.all([get(path, { "accept-encoding": "br" }), get(path, { "accept-encoding": "br" })]);
      await get(path, { "accept-encoding": "gzip" });
      await get(path);
      expect(calls).toBe(original.encodings.length);
    } finally {
      hub.deps.compressor = original;
    }
  });

  test("without a compressor (Workers: the edge compresses) the plain bytes are served with no Vary", async () => {
    const original = hub.deps.compressor;
    hub.deps.compressor = undefined;
    try {
      const res = await get("/", { "accept-encoding": "br, gzip" });
      expect(res.headers.get("content-encoding")).toBeNull();
      expect(res.headers.get("vary")).toBeNull();
      expect(await res.text()).toContain('<html lang="sv">');
    } finally {
      hub.deps.compressor = original;
    }
  });
});
