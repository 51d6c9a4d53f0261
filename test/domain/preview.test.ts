// A preview shows what will be published: previewUpdate and postUpdate share prepareUpdate, and
// the dispatcher composes from the stored update what the preview composed from the draft.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type FanoutHub, startFanoutHub } from "../dispatcher/fanout-hub";
import { api } from "../helpers/hub";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["x", "mastodon", "bluesky", "telegram"] });
});
afterAll(() => hub.close());

describe("preview and publish", () => {
  test("every account is sent exactly the text its preview showed", async () => {
    const admin = api(hub, hub.token);
    const input = {
      body: `${"Vattnet är avstängt i hela centrum medan ledningen byts. ".repeat(9)}Mer information följer.`,
      kind: "update",
      variants: { x: "Vattnet är avstängt i centrum.", telegram: "Vatten: avstängt i centrum till kl 18." },
      signature: "Anna Andersson, kommunikatör, Exempelkommun",
    };
    const preview = await admin.post(`/api/v1/incidents/${hub.incident.id}/updates/preview`, input);
    expect(preview.status, preview.text).toBe(200);
    const shown = Object.fromEntries(
      preview.json.previews.map((p: { platform: string; text: string }) => [p.platform, p.text]),
    );
    expect(Object.keys(shown).sort()).toEqual(["bluesky", "mastodon", "telegram", "x"]);
    // The draft's fields all reach the composition: the variant, and the signature where it fits.
    expect(shown.telegram).toContain("Vatten: avstängt i centrum till kl 18.");
    expect(Object.values(shown).some((text) => String(text).includes(input.signature))).toBe(true);

    const updateId = await hub.post(input.body, {
      kind: input.kind,
      variants: input.variants,
      signature: input.signature,
    });
    await hub.drain();
    const sent = await hub.byPlatform(updateId);
    for (const platform of Object.keys(shown)) {
      expect(sent[platform], platform).toMatchObject({ status: "published", sentText: shown[platform] });
    }
    expect(preview.json.url).toBe(`https://kris.exempel.se/incidents/${hub.incident.slug}/updates/1`);
  });
});

describe("the image in the preview", () => {
  test("shows per account whether the image goes along, and its alt text where the platform takes one", async () => {
    const admin = api(hub, hub.token);
    const image = { url: "https://www.exempelkommun.se/bilder/tankbil.jpg", alt: "Tankbil på torget" };
    const withImage = await admin.post(`/api/v1/incidents/${hub.incident.id}/updates/preview`, {
      body: "Tankbil står vid torget.",
      image,
    });
    expect(withImage.status, withImage.text).toBe(200);
    const shown = Object.fromEntries(
      withImage.json.previews.map((p: { platform: string; image: unknown }) => [p.platform, p.image]),
    );
    expect(shown).toEqual({
      x: image,
      mastodon: image,
      bluesky: image,
      // Telegram's sendPhoto has a caption and no alt text.
      telegram: { url: image.url, alt: null },
    });
    const without = await admin.post(`/api/v1/incidents/${hub.incident.id}/updates/preview`, { body: "Bara text." });
    expect(without.json.previews.map((p: { image: unknown }) => p.image)).toEqual([null, null, null, null]);
  });
});
