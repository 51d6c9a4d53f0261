// Every crisis update reaches Instagram: one without an image of its own goes out as its crisis
// card, which the Instagram stand-in fetches from the hub as Meta does, with the text as alt text.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startSandbox } from "../../src/sandbox/index";
import { api } from "../helpers/hub";
import { makeJpeg, pngSize } from "../helpers/images";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
// The stand-in fetches the image inside the container request; the first card also compiles the
// WebAssembly, which on a busy test machine takes longer than the dispatcher's usual timeout.
const PATIENT = { sendTimeoutMs: 30_000 };
const fetched: { url: string; status: number; type: string | null; bytes: Uint8Array }[] = [];
beforeAll(async () => {
  // The stand-in fetches image_url from the hub itself, in process.
  const sandbox = await startSandbox({
    fetchImage: async (url) => {
      const res = await hub.app.request(url.replace("https://kris.exempel.se", ""), {}, { deps: hub.deps });
      const bytes = new Uint8Array(await res.clone().arrayBuffer());
      fetched.push({ url, status: res.status, type: res.headers.get("content-type"), bytes });
      return res;
    },
  });
  hub = await startFanoutHub({ platforms: ["instagram"], sandbox });
});
afterAll(async () => {
  await hub.close();
  await hub.sandbox.close();
});

test("a text-only update is published on Instagram as its card, with the text as alt text", async () => {
  const body = "Vattnet är avstängt på Storgatan 1–20 till kl. 18.";
  const updateId = await hub.post(body);
  await hub.drain(PATIENT);
  const [row] = Object.values(await hub.byPlatform(updateId));
  expect(row.status, row.message ?? "").toBe("published");
  const cardUrl = `https://kris.exempel.se/incidents/${hub.incident.slug}/updates/1/card.png`;
  const last = fetched.at(-1);
  expect(last?.url).toBe(cardUrl);
  expect(last?.status).toBe(200);
  expect(pngSize(last?.bytes as Uint8Array)).toEqual({ width: 1080, height: 1350 });
  const [post] = hub.sandbox.state("instagram").posts;
  expect(post.data).toMatchObject({ imageUrl: cardUrl, altText: body });
});

test("an update with an uploaded image sends that image and its alt text instead", async () => {
  const upload = await hub.app.request(
    "/api/v1/media",
    {
      method: "POST",
      headers: { authorization: `Bearer ${hub.token}`, "content-type": "image/jpeg" },
      body: await makeJpeg(40, 30),
    },
    { deps: hub.deps },
  );
  const { id, url } = await upload.json();
  const updateId = await hub.post("Tankbil står vid torget.", { image: { mediaId: id, alt: "Tankbil på torget" } });
  await hub.drain(PATIENT);
  const [row] = Object.values(await hub.byPlatform(updateId));
  expect(row.status, row.message ?? "").toBe("published");
  expect(fetched.at(-1)).toMatchObject({ url, status: 200, type: "image/jpeg" });
  const post = hub.sandbox.state("instagram").posts.at(-1);
  expect(post?.data).toMatchObject({ imageUrl: url, altText: "Tankbil på torget" });
});

test("an image the stand-in cannot load fails the delivery as Meta's container ERROR does", async () => {
  const updateId = await hub.post("Bilden finns inte.", {
    image: { url: "https://kris.exempel.se/media/00000000-0000-4000-8000-000000000000", alt: "Saknas" },
  });
  await hub.drain(PATIENT);
  const [row] = Object.values(await hub.byPlatform(updateId));
  expect(row.status).toBe("failed");
  expect(row.message).toMatch(/bilden/i);
  expect((await api(hub, hub.token).get(`/api/v1/updates/${updateId}`)).status).toBe(200);
});
