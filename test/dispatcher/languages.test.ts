// Accounts in other languages: an account gets its language's translation when there is one,
// the Swedish text at once otherwise, or waits for its translation when set to; a translation
// that arrives after the Swedish post edits the post where the platform can, else replies.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Platform } from "../../src/platforms/types";
import { api } from "../helpers/hub";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["mastodon", "bluesky", "telegram"] });
  const admin = api(hub, hub.token);
  expect((await admin.patch("/api/v1/organisation", { languages: ["sv", "en", "ar"] })).status).toBe(200);
  for (const platform of ["mastodon", "bluesky"] as const) {
    const res = await admin.patch(`/api/v1/accounts/${hub.accountIds[platform]}`, { language: "en" });
    expect(res.status, res.text).toBe(200);
    expect(res.json.language).toBe("en");
  }
});
afterAll(() => hub.close());

const posts = (platform: Platform, text: string) =>
  hub.sandbox.state(platform).posts.filter((p) => !p.deleted && p.text.includes(text));

async function putTranslation(updateId: string, language: string, body: unknown) {
  const res = await hub.app.request(
    `/api/v1/updates/${updateId}/translations/${language}`,
    {
      method: "PUT",
      headers: { authorization: `Bearer ${hub.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    },
    { deps: hub.deps },
  );
  return { status: res.status, json: await res.json() };
}

describe("delivery languages", () => {
  test("an English account gets the English text, a Swedish account the Swedish", async () => {
    const id = await hub.post("Vattnet är avstängt på Storgatan.", {
      translations: { en: "The water is shut off on Storgatan." },
    });
    await hub.drain();
    const rows = await hub.byPlatform(id);
    expect(rows.mastodon.language).toBe("en");
    expect(rows.bluesky.language).toBe("en");
    expect(rows.telegram.language).toBe("sv");
    const toot = posts("mastodon", "The water is shut off")[0];
    expect(toot.data.language).toBe("en");
    expect(toot.text).toContain("/en/incidents/");
    expect(posts("bluesky", "The water is shut off")).toHaveLength(1);
    expect(posts("telegram", "Vattnet är avstängt på Storgatan")).toHaveLength(1);
    expect(posts("telegram", "The water")).toHaveLength(0);
  });

  test("without a translation the Swedish text goes at once; a later one edits or replies in English", async () => {
    const id = await hub.post("Skolan är stängd i morgon.");
    await hub.drain();
    const rows = await hub.byPlatform(id);
    expect(rows.mastodon.language).toBe("sv");
    expect(rows.mastodon.status).toBe("published");
    expect(posts("bluesky", "Skolan är stängd")).toHaveLength(1);

    const added = await putTranslation(id, "en", { body: "The school is closed tomorrow." });
    expect(added.status).toBe(201);
    expect(added.json.revision).toBe(1);
    // Telegram's account is Swedish: it gets nothing new.
    expect(added.json.deliveries.map((d: { platform: string }) => d.platform).sort()).toEqual(["bluesky", "mastodon"]);
    await hub.drain();
    const toot = posts("mastodon", "The school is closed")[0];
    expect(toot.edited).toBe(true);
    expect(toot.revisions[0]).toContain("Skolan är stängd");
    // Bluesky cannot edit: the Swedish post stays and a reply carries the translation.
    const original = posts("bluesky", "Skolan är stängd")[0];
    const reply = posts("bluesky", "The school is closed")[0];
    expect(reply.text).not.toContain("Correction");
    expect(original.url).toContain(reply.replyTo?.split("/").pop() as string);
    expect(posts("telegram", "The school")).toHaveLength(0);

    // Correcting the translation corrects the English copies, as a correction in English.
    const edited = await putTranslation(id, "en", { body: "The school is closed on Friday.", reason: "Wrong day" });
    expect(edited.status).toBe(200);
    expect(edited.json.revision).toBe(2);
    await hub.drain();
    expect(posts("mastodon", "closed on Friday")[0].edited).toBe(true);
    const correction = posts("bluesky", "Correction to update")[0];
    expect(correction.text).toContain("closed on Friday");
    expect(correction.text).toContain("Wrong day");
    // A Swedish correction reaches only where readers see Swedish.
    const sv = await api(hub, hub.token).patch(`/api/v1/updates/${id}`, {
      body: "Skolan är stängd på fredag.",
      reason: "Fel dag",
    });
    expect(sv.status).toBe(200);
    await hub.drain();
    const edits = (await hub.deliveriesOf(id)).filter((d) => d.kind === "edit" && d.language === "sv");
    expect(edits.map((d) => d.accountId)).toEqual([hub.accountIds.telegram]);
  });

  test("an account that waits holds its post until the translation comes, or until its wait has passed", async () => {
    const admin = api(hub, hub.token);
    const set = await admin.patch(`/api/v1/accounts/${hub.accountIds.mastodon}`, { translationWaitMinutes: 10 });
    expect(set.json.translationWaitMinutes).toBe(10);

    const first = await hub.post("Strömavbrott i Norra delen.");
    await hub.drain();
    let rows = await hub.byPlatform(first);
    expect(rows.mastodon.status).toBe("pending");
    expect(rows.mastodon.language).toBe("en");
    expect(rows.mastodon.message).toContain("Väntar på översättningen");
    // Nobody else waits: Bluesky's account does not.
    expect(rows.bluesky.status).toBe("published");
    expect(rows.bluesky.language).toBe("sv");
    expect(posts("mastodon", "Strömavbrott")).toHaveLength(0);
    expect((await putTranslation(first, "en", { body: "Power cut in the north." })).status).toBe(201);
    await hub.drain();
    rows = await hub.byPlatform(first);
    expect(rows.mastodon.status).toBe("published");
    expect(rows.mastodon.language).toBe("en");
    expect(posts("mastodon", "Power cut in the north")).toHaveLength(1);
    expect(posts("mastodon", "Strömavbrott")).toHaveLength(0);

    const second = await hub.post("Strömmen är tillbaka.");
    await hub.drain();
    expect((await hub.byPlatform(second)).mastodon.status).toBe("pending");
    hub.clock.advance(11 * 60_000);
    await hub.drain();
    rows = await hub.byPlatform(second);
    expect(rows.mastodon.status).toBe("published");
    expect(rows.mastodon.language).toBe("sv");
    expect(posts("mastodon", "Strömmen är tillbaka")).toHaveLength(1);
  });
});
