// Corrections and withdrawals reach the platforms: edited where the platform can edit, otherwise
// a reply saying what changed; an edit made before the post went out causes no extra edit.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Platform } from "../../src/platforms/types";
import { api } from "../helpers/hub";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["mastodon", "bluesky", "telegram", "threads"] });
});
afterAll(() => hub.close());

const livePosts = (platform: Platform, text: string) =>
  hub.sandbox.state(platform).posts.filter((p) => !p.deleted && p.text.includes(text));

describe("corrections", () => {
  test("a published post is edited where the platform can, and answered with the correction where not", async () => {
    const updateId = await hub.post("Vattnet kommer tillbaka kl. 16.");
    await hub.drain();
    const edited = await api(hub, hub.token).patch(`/api/v1/updates/${updateId}`, {
      body: "Vattnet kommer tillbaka kl. 18.",
      reason: "Reparationen drog ut på tiden",
    });
    expect(edited.status, edited.text).toBe(200);
    await hub.drain();
    const rows = await hub.deliveriesOf(updateId);
    const edits = rows.filter((r) => r.kind === "edit");
    expect(edits).toHaveLength(4);
    expect(edits.every((e) => e.status === "published")).toBe(true);

    const mastodon = hub.sandbox.state("mastodon").posts.find((p) => p.text.includes("kl. 18"));
    expect(mastodon?.edited).toBe(true);
    expect(mastodon?.revisions[0]).toContain("kl. 16");
    expect(livePosts("telegram", "kl. 18")[0].edited).toBe(true);
    // Bluesky cannot edit: the original stays and a reply carries the correction.
    const original = livePosts("bluesky", "kl. 16")[0];
    const reply = livePosts("bluesky", "Rättelse av uppdatering 1")[0];
    expect(reply.text).toContain("Reparationen drog ut på tiden");
    expect(reply.text).toContain("kl. 18");
    expect(original.url).toContain(reply.replyTo?.split("/").pop() as string);
    expect(livePosts("threads", "Rättelse av uppdatering 1")).toHaveLength(1);
  });

  test("an edit before the post went out sends the corrected text once and no edit", async () => {
    const updateId = await hub.post("Samling vid skolan kl. 10.");
    await api(hub, hub.token).patch(`/api/v1/updates/${updateId}`, {
      body: "Samling vid sporthallen kl. 10.",
      reason: "Fel plats",
    });
    await hub.drain();
    const rows = await hub.deliveriesOf(updateId);
    expect(rows.filter((r) => r.kind === "publish").every((r) => r.status === "published")).toBe(true);
    expect(rows.filter((r) => r.kind === "edit").every((r) => r.status === "cancelled")).toBe(true);
    for (const platform of ["mastodon", "bluesky", "telegram", "threads"] as const) {
      expect(livePosts(platform, "Samling vid"), platform).toHaveLength(1);
      expect(livePosts(platform, "Samling vid sporthallen"), platform).toHaveLength(1);
    }
    // Only the first test's correction replies: none was sent for this update.
    expect(livePosts("bluesky", "Rättelse")).toHaveLength(1);
    expect(livePosts("threads", "Rättelse")).toHaveLength(1);
    for (const platform of ["mastodon", "telegram"] as const) {
      expect(livePosts(platform, "Samling vid sporthallen")[0].edited, platform).toBe(false);
    }
  });

  test("a withdrawal retracts every copy, the correction replies included", async () => {
    const updateId = await hub.post("Evakuering av kvarteret Eken.");
    await hub.drain();
    await api(hub, hub.token).patch(`/api/v1/updates/${updateId}`, {
      body: "Evakuering av kvarteret Asken.",
      reason: "Fel kvarter",
    });
    await hub.drain();
    expect(livePosts("bluesky", "kvarteret")).toHaveLength(2);
    const res = await api(hub, hub.token).post(`/api/v1/updates/${updateId}/withdraw`, { reason: "Ingen evakuering" });
    expect(res.status, res.text).toBe(200);
    await hub.drain();
    const retracts = (await hub.deliveriesOf(updateId)).filter((r) => r.kind === "retract");
    expect(retracts).toHaveLength(4);
    expect(retracts.every((r) => r.status === "published")).toBe(true);
    for (const platform of ["mastodon", "bluesky", "telegram", "threads"] as const) {
      expect(livePosts(platform, "kvarteret"), platform).toHaveLength(0);
    }
  });
});
