// An exercise on the real platforms (sandbox stand-ins): it reaches exercise accounts only, every
// post says ÖVNING and links under /ovning, corrections and withdrawals work as in a real
// incident, and a delivery row that somehow names a real account is refused by the dispatcher.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, deliveries } from "../../src/db/schema";
import { EXERCISE_PREFIX } from "../../src/dispatcher/compose";
import { callAdapter, EXERCISE_ACCOUNT_REQUIRED_MESSAGE } from "../../src/domain/accounts/gateway";
import type { Platform } from "../../src/platforms/types";
import { api } from "../helpers/hub";
import { must } from "../helpers/must";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
let exercise: { id: string; slug: string };
const EXERCISE_PLATFORMS: Platform[] = ["mastodon", "bluesky"];
const REAL_PLATFORMS: Platform[] = ["telegram", "threads"];

beforeAll(async () => {
  hub = await startFanoutHub({ platforms: [...EXERCISE_PLATFORMS, ...REAL_PLATFORMS] });
  for (const platform of EXERCISE_PLATFORMS) {
    const res = await api(hub, hub.token).patch(`/api/v1/accounts/${hub.accountIds[platform]}`, { exercise: true });
    expect(res.status, res.text).toBe(200);
  }
  exercise = (
    await api(hub, hub.token).post("/api/v1/incidents", {
      title: "Övning: vattenläcka i centrum",
      severity: "major",
      exercise: true,
    })
  ).json;
});
afterAll(() => hub.close());

const postsWith = (platform: Platform, text: string) =>
  hub.sandbox.state(platform).posts.filter((p) => !p.deleted && p.text.includes(text));

async function postToExercise(body: string, extra: Record<string, unknown> = {}) {
  const res = await api(hub, hub.token).post(`/api/v1/incidents/${exercise.id}/updates`, { body, ...extra });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

describe("an exercise on the platforms", () => {
  test("goes to exercise accounts only, says ÖVNING and links under /ovning; real accounts are left out with a code", async () => {
    const posted = await postToExercise("Vattnet är avstängt i centrum (övningsscenario).", {
      targets: Object.values(hub.accountIds),
    });
    expect(posted.url).toBe(`https://kris.exempel.se/ovning/${exercise.slug}/updates/1`);
    expect(posted.deliveries.map((d: { platform: string }) => d.platform).sort()).toEqual(
      [...EXERCISE_PLATFORMS].sort(),
    );
    expect(posted.leftOut.map((l: { platform: string; code: string }) => [l.platform, l.code]).sort()).toEqual(
      REAL_PLATFORMS.map((p) => [p, "exercise_account_required"]).sort(),
    );
    await hub.drain();
    for (const platform of EXERCISE_PLATFORMS) {
      const [post] = postsWith(platform, "Vattnet är avstängt i centrum");
      expect(post.text.startsWith(EXERCISE_PREFIX), platform).toBe(true);
      expect(post.text, platform).toContain(`/ovning/${exercise.slug}/updates/1`);
    }
    for (const platform of REAL_PLATFORMS) expect(postsWith(platform, "centrum"), platform).toHaveLength(0);
  });

  test("a correction in an exercise is edited or answered on the exercise accounts, with ÖVNING", async () => {
    const posted = await postToExercise("Samling vid skolan kl. 10 (övning).");
    await hub.drain();
    const edited = await api(hub, hub.token).patch(`/api/v1/updates/${posted.id}`, {
      body: "Samling vid sporthallen kl. 10 (övning).",
      reason: "Fel plats",
    });
    expect(edited.status, edited.text).toBe(200);
    await hub.drain();
    const edits = (await hub.deliveriesOf(posted.id)).filter((d) => d.kind === "edit");
    expect(edits.map((e) => e.status)).toEqual(["published", "published"]);
    const mastodon = must(postsWith("mastodon", "sporthallen")[0], "the edited Mastodon post");
    expect(mastodon.edited).toBe(true);
    expect(mastodon.text.startsWith(EXERCISE_PREFIX)).toBe(true);
    // Bluesky cannot edit: the correction is a reply, and it says ÖVNING too.
    const reply = must(postsWith("bluesky", "Rättelse av uppdatering")[0], "the Bluesky correction reply");
    expect(reply.text.startsWith(EXERCISE_PREFIX)).toBe(true);
    for (const platform of REAL_PLATFORMS) expect(postsWith(platform, "Samling"), platform).toHaveLength(0);
  });

  test("a withdrawal in an exercise retracts its posts from the exercise accounts", async () => {
    const posted = await postToExercise("Utrym kvarteret Eken (övning).");
    await hub.drain();
    expect(postsWith("mastodon", "kvarteret Eken")).toHaveLength(1);
    const res = await api(hub, hub.token).post(`/api/v1/updates/${posted.id}/withdraw`, { reason: "Fel i scenariot" });
    expect(res.status, res.text).toBe(200);
    await hub.drain();
    const retracts = (await hub.deliveriesOf(posted.id)).filter((d) => d.kind === "retract");
    expect(retracts.map((r) => r.status)).toEqual(["published", "published"]);
    for (const platform of EXERCISE_PLATFORMS) expect(postsWith(platform, "kvarteret Eken"), platform).toHaveLength(0);
  });

  test("the kill switch holds an exercise's deliveries like any other", async () => {
    const admin = api(hub, hub.token);
    const paused = await admin.post("/api/v1/deliveries/pause", { reason: "Övningsledningen pausar" });
    expect(paused.status, paused.text).toBe(200);
    const posted = await postToExercise("Under pausen (övning).");
    await hub.drain();
    expect((await hub.deliveriesOf(posted.id)).every((d) => d.status === "pending")).toBe(true);
    expect((await admin.post("/api/v1/deliveries/resume")).status).toBe(200);
    await hub.drain();
    expect((await hub.deliveriesOf(posted.id)).map((d) => d.status)).toEqual(["published", "published"]);
  });

  test("a delivery row naming a real account, written past the domain, is refused by the dispatcher", async () => {
    const posted = await postToExercise("Smugglad leverans (övning).");
    await hub.drain();
    const now = hub.deps.now();
    const [smuggled] = await hub.deps.db
      .insert(deliveries)
      .values({
        updateId: posted.id,
        accountId: hub.accountIds.telegram,
        kind: "publish",
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await hub.drain();
    const [row] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.id, smuggled.id));
    expect(row).toMatchObject({
      status: "skipped",
      failureClass: "invalid",
      message: EXERCISE_ACCOUNT_REQUIRED_MESSAGE,
    });
    expect(postsWith("telegram", "Smugglad")).toHaveLength(0);
  });

  test("the gateway refuses an exercise call through a real account before opening its credential", async () => {
    const [telegram] = await hub.deps.db.select().from(accounts).where(eq(accounts.id, hub.accountIds.telegram));
    let called = false;
    const result = await callAdapter(
      hub.deps,
      telegram,
      async () => {
        called = true;
        return "sent";
      },
      { exercise: true },
    );
    expect(result).toEqual({ ok: false, class: "invalid", message: EXERCISE_ACCOUNT_REQUIRED_MESSAGE });
    expect(called).toBe(false);
  });
});
