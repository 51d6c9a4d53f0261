// An uploaded image reaches every platform with its alt text, through the dispatcher: platforms
// that upload the file get its bytes from the media table (the hub need not be reachable from
// the dispatcher), platforms that fetch a URL get the hub's /media/:id. An update without an image
// gives Bluesky's link card the crisis card as its thumb.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startSandbox } from "../../src/sandbox/index";
import { makeJpeg } from "../helpers/images";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

const PUBLIC = "https://kris.exempel.se";
// The first crisis card compiles the WebAssembly, which on a busy machine takes a while.
const PATIENT = { sendTimeoutMs: 30_000 };
let hub: FanoutHub;
/** Whether the hub's own public URL answers the dispatcher's requests. */
let hubReachable = false;
const hubRequests: string[] = [];

function serveFromHub(url: string, init?: RequestInit) {
  hubRequests.push(url);
  return hub.app.request(
    url.slice(PUBLIC.length),
    { method: init?.method, headers: init?.headers },
    { deps: hub.deps },
  );
}

beforeAll(async () => {
  const sandbox = await startSandbox({ fetchImage: async (url) => serveFromHub(url) });
  hub = await startFanoutHub({ sandbox });
  const direct = hub.deps.fetch;
  hub.deps.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(PUBLIC)) return direct(input, init);
    if (!hubReachable) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    return serveFromHub(url, init);
  };
});
afterAll(async () => {
  await hub.close();
  await hub.sandbox.close();
});

test("an uploaded image and its alt text reach every platform", async () => {
  const upload = await hub.app.request(
    "/api/v1/media",
    {
      method: "POST",
      headers: { authorization: `Bearer ${hub.token}`, "content-type": "image/jpeg" },
      body: await makeJpeg(64, 48),
    },
    { deps: hub.deps },
  );
  const { id, url } = await upload.json();
  const stored = new Uint8Array(await (await hub.app.request(`/media/${id}`, {}, { deps: hub.deps })).arrayBuffer());
  const alt = "Tankbil på torget vid kyrkan";
  const updateId = await hub.post("Tankbil står vid torget till kl. 20.", { image: { mediaId: id, alt } });
  await hub.drain(PATIENT);

  const rows = await hub.byPlatform(updateId);
  for (const [platform, row] of Object.entries(rows))
    expect(row.status, `${platform}: ${row.message}`).toBe("published");
  expect(Object.keys(rows)).toHaveLength(8);
  // The file went along as stored (bytes from the media table; the hub was never asked for it).
  const file = { type: "image/jpeg", size: stored.length, alt };
  for (const platform of ["mastodon", "bluesky", "x", "linkedin"] as const) {
    const [post] = hub.sandbox.state(platform).posts;
    expect(post.data.media, platform).toEqual([expect.objectContaining(file)]);
  }
  expect(hubRequests.filter((u) => !u.endsWith("/card.png")).every((u) => u === url)).toBe(true);
  // Meta and Telegram fetch the image from the hub themselves.
  for (const platform of ["facebook", "instagram", "threads"] as const) {
    const [post] = hub.sandbox.state(platform).posts;
    expect(post.data, platform).toMatchObject({ imageUrl: url, altText: alt });
  }
  expect(hub.sandbox.state("telegram").posts[0].data.photo).toBe(url);
});

test("an update without an image gives Bluesky's link card the crisis card as its thumb", async () => {
  hubReachable = true;
  const updateId = await hub.post("Vattnet är tillbaka på Storgatan.");
  await hub.drain(PATIENT);
  const rows = await hub.byPlatform(updateId);
  expect(rows.bluesky.status, rows.bluesky.message ?? "").toBe("published");
  const card = `${PUBLIC}/incidents/${hub.incident.slug}/updates/2/og.png`;
  expect(hubRequests).toContain(card);
  const [post] = hub.sandbox.state("bluesky").posts.slice(-1);
  const embed = (post.data.record as { embed: { $type: string; external: { thumb?: unknown } } }).embed;
  expect(embed.$type).toBe("app.bsky.embed.external");
  expect(embed.external.thumb).toMatchObject({ $type: "blob", mimeType: "image/png" });
  // The other text posts carry no image; Facebook stays a link post.
  expect(hub.sandbox.state("facebook").posts.at(-1)?.data).toMatchObject({
    link: expect.stringContaining("/updates/2"),
  });
});

test("a link card picture Bluesky will not take is left out: the update goes without it, at once", async () => {
  hubReachable = true;
  hub.sandbox.control("bluesky").failNext({ status: 503, match: "uploadBlob" });
  const updateId = await hub.post("Kokningsrådet gäller fortfarande på Storgatan.");
  await hub.drain(PATIENT);
  const rows = await hub.byPlatform(updateId);
  expect(rows.bluesky.status, rows.bluesky.message ?? "").toBe("published");
  expect(rows.bluesky.attempts).toBe(1);
  const [post] = hub.sandbox.state("bluesky").posts.slice(-1);
  const embed = (post.data.record as { embed: { $type: string; external: { uri: string; thumb?: unknown } } }).embed;
  expect(embed.$type).toBe("app.bsky.embed.external");
  expect(embed.external.uri).toContain("/updates/3");
  expect(embed.external.thumb).toBeUndefined();
});
