// Image uploads: metadata never reaches the database, the stored image is served immutable, and
// an update takes an uploaded image only with alt text.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { media } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { containsText, jpegSegments, makeJpeg, makePng, withExifGps } from "../helpers/images";

let hub: TestHub;
let incidentId: string;
beforeAll(async () => {
  hub = await startTestHub({
    env: { KRISKANAL_MAX_UPLOAD_BYTES: String(2 * 1024 * 1024), KRISKANAL_MAX_BODY_BYTES: String(64 * 1024) },
  });
  incidentId = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Storm", severity: "major" })).json.id;
});
afterAll(() => hub.close());

const upload = (body: Uint8Array<ArrayBuffer> | string, type: string) =>
  hub.app.request(
    "/api/v1/media",
    { method: "POST", headers: { authorization: `Bearer ${hub.token}`, "content-type": type }, body },
    { deps: hub.deps },
  );

describe("POST /api/v1/media", () => {
  test("a JPEG with GPS EXIF is stored and served without it", async () => {
    const marker = "KRISKANAL-GPS-MARKER-7731";
    const original = withExifGps(await makeJpeg(64, 48), marker);
    expect(jpegSegments(original)).toContain(0xe1);
    expect(containsText(original, marker)).toBe(true);

    const res = await upload(original, "image/jpeg");
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ width: 64, height: 48, type: "image/jpeg" });
    expect(body.url).toBe(`https://kris.exempel.se/media/${body.id}`);

    const [row] = await hub.deps.db.select().from(media).where(eq(media.id, body.id));
    for (const stored of [new Uint8Array(row.bytes), new Uint8Array(await (await served(body.id)).arrayBuffer())]) {
      expect(jpegSegments(stored)).not.toContain(0xe1);
      expect(containsText(stored, "Exif")).toBe(false);
      expect(containsText(stored, marker)).toBe(false);
    }
  });

  test("the image is served with immutable caching and an ETag that answers 304", async () => {
    const { id } = await (await upload(await makePng(20, 10), "image/png")).json();
    const res = await served(id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = res.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await hub.app.request(`/media/${id}`, { headers: { "if-none-match": etag } }, { deps: hub.deps });
    expect(again.status).toBe(304);
    expect((await hub.app.request(`/media/${crypto.randomUUID()}`, {}, { deps: hub.deps })).status).toBe(404);
  });

  test("an oversized image is scaled down to 2048 px on its longest side", async () => {
    const big = await makeJpeg(2400, 300);
    // Larger than the JSON limit (64 kB here), within the upload limit.
    expect(big.length).toBeGreaterThan(64 * 1024);
    const res = await hub.app.request(
      "/api/v1/media",
      { method: "POST", headers: { authorization: `Bearer ${hub.token}`, "content-type": "image/jpeg" }, body: big },
      { deps: hub.deps },
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ width: 2048, height: 256 });
  });

  test("a wrong type is 415 and an undecodable file is 400", async () => {
    const wrong = await upload("GIF89a", "image/gif");
    expect(wrong.status).toBe(415);
    expect((await wrong.json()).error.code).toBe("image_type_unsupported");
    const broken = await upload(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), "image/jpeg");
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe("image_undecodable");
    const pngAsJpeg = await upload(await makePng(4, 4), "image/jpeg");
    expect(pngAsJpeg.status).toBe(400);
    expect(await hub.deps.db.select({ id: media.id }).from(media)).toHaveLength(3);
  });

  test("a body over KRISKANAL_MAX_UPLOAD_BYTES is 413; JSON routes keep their own smaller limit", async () => {
    const res = await upload(new Uint8Array(2 * 1024 * 1024 + 1), "image/jpeg");
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    const json = await api(hub, hub.token).post(`/api/v1/incidents/${incidentId}/updates`, {
      body: "x".repeat(65 * 1024),
    });
    expect(json.status).toBe(413);
  });

  test("a reader cannot upload", async () => {
    const res = await hub.app.request(
      "/api/v1/media",
      { method: "POST", headers: { "content-type": "image/jpeg" }, body: await makeJpeg(4, 4) },
      { deps: hub.deps },
    );
    expect(res.status).toBe(401);
  });
});

describe("an update with an uploaded image", () => {
  test("takes { mediaId, alt }; alt is required; an unknown id is 400", async () => {
    const { id } = await (await upload(await makeJpeg(30, 20), "image/jpeg")).json();
    const client = api(hub, hub.token);
    const noAlt = await client.post(`/api/v1/incidents/${incidentId}/updates`, {
      body: "Träd över vägen.",
      image: { mediaId: id },
    });
    expect(noAlt.status).toBe(400);
    expect(JSON.stringify(noAlt.json.error.fields)).toContain("image");
    const unknown = await client.post(`/api/v1/incidents/${incidentId}/updates`, {
      body: "Träd över vägen.",
      image: { mediaId: crypto.randomUUID(), alt: "Ett träd" },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("media_unknown");
    const posted = await client.post(`/api/v1/incidents/${incidentId}/updates`, {
      body: "Träd över vägen.",
      image: { mediaId: id, alt: "Ett omkullfallet träd över Storgatan" },
    });
    expect(posted.status).toBe(201);
    expect(posted.json.image).toEqual({
      mediaId: id,
      alt: "Ett omkullfallet träd över Storgatan",
      url: `https://kris.exempel.se/media/${id}`,
    });
  });
});

function served(id: string) {
  return hub.app.request(`/media/${id}`, {}, { deps: hub.deps });
}
