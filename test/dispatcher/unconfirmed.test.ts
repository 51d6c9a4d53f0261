// "Maybe sent": a request that reached the platform but whose answer never came back. The
// dispatcher settles it (findByLink, or the idempotency key) before anything is sent again, and
// where it cannot tell, it stops and asks a person: never post twice.

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { auditLog, deliveries } from "../../src/db/schema";
import { LOOKUP_ATTEMPTS, SECOND_LOOK_MS } from "../../src/dispatcher/settle";
import { tidFor } from "../../src/platforms/tid";
import { PLATFORMS, type Platform } from "../../src/platforms/types";
import { api } from "../helpers/hub";
import { must } from "../helpers/must";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["x", "mastodon", "telegram", "bluesky", "facebook"] });
});
afterAll(() => hub.close());
beforeEach(() => {
  for (const platform of PLATFORMS) hub.sandbox.control(platform).reset();
});

// Long enough for the stand-in to store a post on a busy machine before the hub gives up waiting.
const FAST = { sendTimeoutMs: 2_000 };
const postsWith = (platform: Platform, text: string) =>
  hub.sandbox.state(platform).posts.filter((p) => p.text.includes(text) && !p.deleted);

describe("an unconfirmed publish", () => {
  test("is found with findByLink on the next attempt and never sent twice", async () => {
    hub.sandbox.control("x").hang({ afterHandling: true, match: "/2/tweets" });
    const updateId = await hub.post("Ett: vattnet är avstängt.");
    await hub.dispatch(FAST);
    let row = (await hub.byPlatform(updateId)).x;
    expect(row).toMatchObject({ status: "pending", failureClass: "unconfirmed", attempts: 1 });
    expect(postsWith("x", "Ett: vattnet")).toHaveLength(1);

    hub.clock.advance(3_600_000);
    await hub.dispatch(FAST);
    row = (await hub.byPlatform(updateId)).x;
    expect(row.status).toBe("published");
    expect(row.message).toContain("fanns redan");
    const [post] = postsWith("x", "Ett: vattnet");
    expect(row.remoteId).toBe(post.id);
    expect(postsWith("x", "Ett: vattnet")).toHaveLength(1);
  });

  test("is sent again with the same Idempotency-Key where the platform keeps one (Mastodon)", async () => {
    hub.sandbox.control("mastodon").hang({ afterHandling: true, match: "/api/v1/statuses" });
    const updateId = await hub.post("Två: tankbil vid torget.");
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).mastodon).toMatchObject({ status: "pending", failureClass: "unconfirmed" });
    // The lookup cannot ask the platform this time, so only the key makes the resend safe.
    hub.sandbox.control("mastodon").failNext({ status: 503, match: "verify_credentials" });
    hub.clock.advance(3_600_000);
    await hub.dispatch(FAST);
    const row = (await hub.byPlatform(updateId)).mastodon;
    expect(row.status).toBe("published");
    const posts = postsWith("mastodon", "Två: tankbil");
    expect(posts).toHaveLength(1);
    expect(row.remoteId).toBe(posts[0].id);
    const keys = hub.sandbox
      .state("mastodon")
      .requests.filter((r) => r.method === "POST" && r.path.endsWith("/statuses"));
    expect(keys.length).toBeGreaterThanOrEqual(2);
  });

  test("asks the platform again with backoff, and only then a person, when it cannot be asked (Facebook)", async () => {
    hub.sandbox.control("facebook").hang({ afterHandling: true, match: "/feed" });
    const updateId = await hub.post("Tre: skolan är stängd.");
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).facebook.failureClass).toBe("unconfirmed");
    hub.sandbox.control("facebook").failNext({ status: 503, match: "/feed", times: 100 });
    let row = (await hub.byPlatform(updateId)).facebook;
    let lookups = 0;
    while (row.status === "pending" && lookups < LOOKUP_ATTEMPTS + 2) {
      hub.clock.advance(3_600_000);
      await hub.dispatch(FAST);
      lookups++;
      row = (await hub.byPlatform(updateId)).facebook;
      if (row.status === "pending") expect(row.message).toContain("Frågar igen");
    }
    expect(lookups).toBe(LOOKUP_ATTEMPTS);
    expect(row).toMatchObject({ status: "failed", failureClass: "unconfirmed" });
    expect(row.message).toContain("Kontrollera kanalen");
    expect(row.message).toContain(`efter ${LOOKUP_ATTEMPTS} försök`);
    const checks = row.settlement?.checks ?? [];
    expect(checks).toHaveLength(LOOKUP_ATTEMPTS);
    expect(checks.every((c) => c.answer === "unknown" && c.by.startsWith("Facebook"))).toBe(true);
    expect(checks[0].detail).toContain("Graph 2");
    expect(postsWith("facebook", "Tre: skolan")).toHaveLength(1);
  });

  test("a rate-limited lookup asks again when the platform says, not sooner (X)", async () => {
    hub.sandbox.control("x").hang({ afterHandling: true, match: "/2/tweets" });
    const updateId = await hub.post("Elva: X säger vänta.");
    await hub.dispatch(FAST);
    hub.sandbox.control("x").failNext({ status: 429, match: "/2/users", retryAfterSeconds: 120 });
    hub.clock.advance(60_000);
    await hub.dispatch(FAST);
    let row = (await hub.byPlatform(updateId)).x;
    expect(row).toMatchObject({ status: "pending", failureClass: "unconfirmed" });
    expect(row.settlement?.checks.at(-1)?.answer).toBe("unknown");
    const wait = (row.nextAttemptAt as Date).getTime() - hub.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(120_000);
    expect(wait).toBeLessThan(122_000);
    hub.clock.advance(wait);
    await hub.dispatch(FAST);
    row = (await hub.byPlatform(updateId)).x;
    expect(row).toMatchObject({ status: "published" });
    expect(row.message).toContain("fanns redan");
    expect(postsWith("x", "Elva: X säger")).toHaveLength(1);
  });

  test("on Bluesky a lost answer is settled at once by reading the record key the hub chose", async () => {
    hub.sandbox.control("bluesky").hang({ afterHandling: true, match: "createRecord" });
    const updateId = await hub.post("Sex: vattnet är tillbaka i Norrby.");
    await hub.dispatch(FAST);
    const row = (await hub.byPlatform(updateId)).bluesky;
    const posts = postsWith("bluesky", "Sex: vattnet");
    expect(posts).toHaveLength(1);
    expect(row).toMatchObject({ status: "published", remoteId: posts[0].id });
    expect(posts[0].id.endsWith(`/${tidFor(row.idempotencyKey, row.createdAt)}`)).toBe(true);
  });

  test("on Bluesky a resend under the same key cannot post twice, even when nothing could be read", async () => {
    hub.sandbox.control("bluesky").hang({ afterHandling: true, match: "createRecord" });
    hub.sandbox.control("bluesky").failNext({ status: 503, match: "getRecord" });
    const updateId = await hub.post("Åtta: kokningsrådet gäller.");
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).bluesky.failureClass).toBe("unconfirmed");
    // The lookup cannot be asked either: the key alone makes the resend safe.
    hub.sandbox.control("bluesky").failNext({ status: 503, match: "listRecords", times: 100 });
    hub.clock.advance(60_000);
    await hub.dispatch(FAST);
    const posts = postsWith("bluesky", "Åtta: kokningsrådet");
    expect(posts).toHaveLength(1);
    expect((await hub.byPlatform(updateId)).bluesky).toMatchObject({ status: "published", remoteId: posts[0].id });
    const creates = hub.sandbox.state("bluesky").requests.filter((r) => r.path.endsWith("createRecord"));
    expect(creates.length).toBeGreaterThanOrEqual(2);
    hub.sandbox.control("bluesky").reset();
  });

  test("on Bluesky a post whose first request never arrived is sent again under the same key and published once", async () => {
    hub.sandbox.control("bluesky").hang({ match: "createRecord" });
    const updateId = await hub.post("Sju: skolan öppnar igen.");
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).bluesky.failureClass).toBe("unconfirmed");
    expect(postsWith("bluesky", "Sju: skolan")).toHaveLength(0);
    hub.clock.advance(60_000);
    await hub.dispatch(FAST);
    const posts = postsWith("bluesky", "Sju: skolan");
    expect(posts).toHaveLength(1);
    expect((await hub.byPlatform(updateId)).bluesky).toMatchObject({ status: "published", remoteId: posts[0].id });
  });

  test("without any way to look (Telegram) it fails at once; a person's retry sends it", async () => {
    hub.sandbox.control("telegram").hang({ afterHandling: true, match: "sendMessage" });
    const updateId = await hub.post("Fyra: kokningsråd.");
    await hub.dispatch(FAST);
    const row = (await hub.byPlatform(updateId)).telegram;
    expect(row).toMatchObject({ status: "failed", failureClass: "unconfirmed" });
    hub.clock.advance(3_600_000);
    expect((await hub.dispatch(FAST)).claimed).toBe(0);
    expect(postsWith("telegram", "Fyra: kokningsråd")).toHaveLength(1);

    // The person looked: say it did not land (the sandbox post is taken away to match).
    must(hub.sandbox.instance.platforms.telegram.store.posts.at(-1), "the Telegram post").deleted = true;
    const retried = await api(hub, hub.token).post(`/api/v1/deliveries/${row.id}/retry`);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json).toMatchObject({ status: "pending", failureClass: null });
    expect(retried.json.message).toContain("kontrollerat");
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).telegram.status).toBe("published");
    expect(postsWith("telegram", "Fyra: kokningsråd")).toHaveLength(1);
  });

  test("a withdrawal looks for a post that may have landed and retracts it", async () => {
    hub.sandbox.control("x").hang({ afterHandling: true, match: "/2/tweets" });
    hub.sandbox.control("telegram").hang({ afterHandling: true, match: "sendMessage" });
    const updateId = await hub.post("Fem: fel uppgift om vägen.");
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).x.failureClass).toBe("unconfirmed");
    expect(postsWith("x", "Fem: fel uppgift")).toHaveLength(1);

    const withdrawn = await api(hub, hub.token).post(`/api/v1/updates/${updateId}/withdraw`, { reason: "Fel väg" });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    await hub.drain(FAST);
    const rows = await hub.deliveriesOf(updateId);
    const of = (platform: Platform, kind: string) =>
      rows.find((r) => r.accountId === hub.accountIds[platform] && r.kind === kind);
    expect(of("x", "publish")?.status).toBe("cancelled");
    expect(of("x", "retract")?.status).toBe("published");
    expect(postsWith("x", "Fem: fel uppgift")).toHaveLength(0);
    // Telegram cannot look: the retraction says so instead of pretending.
    expect(of("telegram", "retract")).toMatchObject({ status: "skipped", failureClass: "unconfirmed" });
    expect(of("telegram", "retract")?.message).toContain("för hand");
    // Mastodon had published normally and is retracted too.
    expect(of("mastodon", "retract")?.status).toBe("published");
    const audit = await hub.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, must(of("x", "retract"), "the X retraction").id));
    expect(audit.map((a) => a.action)).toContain("delivery.published");
  });

  test("a post that never arrived is proven missing by two complete looks, sent once, and its withdrawal leaves update 10 alone", async () => {
    const admin = api(hub, hub.token);
    // A fresh incident, so its updates are numbered 1..10 and update 1's permalink is a prefix of update 10's.
    const incident = (await admin.post("/api/v1/incidents", { title: "Strömavbrott i Norrby", severity: "major" }))
      .json;
    const postUpdate = async (body: string) => {
      const res = await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body });
      expect(res.status, res.text).toBe(201);
      return res.json.id as string;
    };
    // The request reaches neither platform, but its answer never comes either: "unconfirmed".
    hub.sandbox.control("x").hang({ match: "/2/tweets" });
    hub.sandbox.control("facebook").hang({ match: "/feed" });
    const first = await postUpdate("Norrby 1: strömmen är borta.");
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(first)).x.failureClass).toBe("unconfirmed");
    // The first look reads every post since the update was made and finds none: not yet proof.
    hub.clock.advance(60_000);
    await hub.dispatch(FAST);
    let rows = await hub.byPlatform(first);
    for (const platform of ["x", "facebook"] as const) {
      expect(rows[platform]).toMatchObject({ status: "pending", failureClass: "unconfirmed" });
      expect(rows[platform].message).toContain("tittar en gång till");
      expect(postsWith(platform, "Norrby 1:")).toHaveLength(0);
    }
    // A second look, 20 s later, agrees: the post is sent, once.
    hub.clock.advance(SECOND_LOOK_MS);
    await hub.dispatch(FAST);
    rows = await hub.byPlatform(first);
    for (const platform of ["x", "facebook"] as const) {
      expect(rows[platform].status).toBe("published");
      expect(rows[platform].settlement?.checks.map((c) => c.answer)).toEqual(["absent_since", "absent_since"]);
      expect(postsWith(platform, "Norrby 1:")).toHaveLength(1);
    }
    for (let n = 2; n <= 10; n++) await postUpdate(`Norrby ${n}: arbetet pågår.`);
    await hub.drain(FAST);
    for (const platform of ["x", "facebook"] as const) expect(postsWith(platform, "Norrby 10:")).toHaveLength(1);

    const withdrawn = await admin.post(`/api/v1/updates/${first}/withdraw`, { reason: "Fel område" });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    await hub.drain(FAST);
    const retracts = (await hub.deliveriesOf(first)).filter((r) => r.kind === "retract");
    for (const platform of ["x", "facebook"] as const) {
      const retract = retracts.find((r) => r.accountId === hub.accountIds[platform]);
      expect(retract?.status).toBe("published");
      expect(postsWith(platform, "Norrby 1:")).toHaveLength(0);
      expect(postsWith(platform, "Norrby 10:")).toHaveLength(1);
    }
  });

  test("a post that landed while the first look ran is found by the second look and not sent again", async () => {
    hub.sandbox.control("facebook").hang({ match: "/feed", afterHandling: true });
    const updateId = await hub.post("Nio: sent svar från Facebook.");
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).facebook.failureClass).toBe("unconfirmed");
    // Hide the stored post from the first look, as a platform still busy with the request would.
    const stored = must(hub.sandbox.instance.platforms.facebook.store.posts.at(-1), "the Facebook post");
    stored.deleted = true;
    hub.clock.advance(60_000);
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).facebook.status).toBe("pending");
    stored.deleted = false;
    hub.clock.advance(SECOND_LOOK_MS);
    await hub.dispatch(FAST);
    const row = (await hub.byPlatform(updateId)).facebook;
    expect(row).toMatchObject({ status: "published", remoteId: stored.id });
    expect(postsWith("facebook", "Nio: sent svar")).toHaveLength(1);
  });

  test("a second look that could not ask is asked again, not started over for another 20 s", async () => {
    hub.sandbox.control("x").hang({ match: "/2/tweets" });
    const updateId = await hub.post("Tio: ingen vet om X fick det.");
    await hub.dispatch(FAST);
    hub.clock.advance(60_000);
    await hub.dispatch(FAST);
    expect((await hub.byPlatform(updateId)).x.message).toContain("tittar en gång till");
    // The second look meets a 503: that says nothing, so it is asked again after the backoff.
    hub.sandbox.control("x").failNext({ status: 503, match: "/2/users" });
    hub.clock.advance(SECOND_LOOK_MS);
    await hub.dispatch(FAST);
    let row = (await hub.byPlatform(updateId)).x;
    expect(row).toMatchObject({ status: "pending", failureClass: "unconfirmed" });
    expect(row.message).toContain("gick inte att fråga");
    // More than 20 s have passed since the first look: this complete "not there" is the proof.
    hub.clock.advance(5_000);
    await hub.dispatch(FAST);
    row = (await hub.byPlatform(updateId)).x;
    expect(row.status, row.message ?? "").toBe("published");
    expect(row.settlement?.checks.map((c) => c.answer)).toEqual(["absent_since", "unknown", "absent_since"]);
    expect(postsWith("x", "Tio: ingen vet")).toHaveLength(1);
  });

  test("no credential value reaches a delivery message", async () => {
    const rows = await hub.deps.db.select({ m: deliveries.message }).from(deliveries);
    for (const account of hub.sandbox.accounts()) {
      for (const secret of Object.values(account.credential)) {
        for (const row of rows) expect(row.m ?? "").not.toContain(secret);
      }
    }
  });
});
