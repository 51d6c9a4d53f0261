// The after-action report of a real incident record: updates fanned out by the real dispatcher to
// the sandbox platforms, one failure retried automatically, one settled after a person asked for
// a new try, a borrowed account, an edit, a withdrawal, the kill switch, translations and WebSub
// subscribers. Every figure below is worked out by hand from the injected clock.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { canonicalJson } from "../../src/archive/canonical-json";
import { rowsOf } from "../../src/db/client";
import { accounts, updateTranslations, websubSubscriptions } from "../../src/db/schema";
import { requireIncident } from "../../src/domain/publishing/incidents";
import { buildIncidentReport } from "../../src/domain/records/incident-report";
import { streamIncidentReport } from "../../src/domain/records/report-stream";
import { renderReportDocument } from "../../src/render/report-view";
import { type FanoutHub, startFanoutHub } from "../dispatcher/fanout-hub";
import { api } from "../helpers/hub";
import { addDepartment, addPerson, type TestPerson } from "../helpers/people";
import { signInStaff } from "./staff-browser";

const at = (hhmmss: string) => `2026-11-21T${hhmmss}.000Z`;

let hub: FanoutHub;
let communicator: TestPerson;
let registrar: TestPerson;
let editor: TestPerson;
let mastodonSecond: string;
const PASSWORD = "Efterhandsrapport-2026";

beforeAll(async () => {
  // The incident opens at the test clock's start, 13:05:00Z.
  hub = await startFanoutHub({ platforms: ["mastodon", "x", "telegram"] });
  const va = await addDepartment(hub, "VA-avdelningen");
  await hub.deps.db.update(accounts).set({ departmentId: va }).where(eq(accounts.id, hub.accountIds.telegram));
  communicator = await addPerson(hub, { role: "communicator", name: "Kim Kommunikatör", password: PASSWORD });
  registrar = await addPerson(hub, { role: "registrar", name: "Rut Registrator", password: PASSWORD });
  editor = await addPerson(hub, { role: "editor", departmentIds: [va], password: PASSWORD });
  const admin = api(hub, hub.token);

  // 13:10:00 update 1 to all three; X answers 503 the first time.
  hub.clock.set(at("13:10:00"));
  hub.sandbox.control("x").failNext({ status: 503 });
  const first = await hub.post("Vattnet är avstängt på Storgatan.");
  hub.clock.set(at("13:10:20"));
  await hub.dispatch();
  hub.clock.set(at("13:15:20"));
  await hub.dispatch();

  // 13:20:00 update 2 by a communicator, borrowing VA's Telegram; Mastodon refuses it (422).
  hub.clock.set(at("13:20:00"));
  hub.sandbox.control("mastodon").failNext({ status: 422 });
  const second = await api(hub, communicator.token).post(`/api/v1/incidents/${hub.incident.id}/updates`, {
    body: "Tankbil står vid torget.",
    borrowingReason: "VA:s redaktörer är ute vid läckan.",
  });
  expect(second.status, second.text).toBe(201);
  hub.clock.set(at("13:20:40"));
  await hub.dispatch();
  const rows = await hub.byPlatform(second.json.id);
  expect(rows.mastodon).toMatchObject({ status: "failed", failureClass: "invalid" });
  mastodonSecond = rows.mastodon.id;

  // 13:21 the kill switch; 13:22 a person asks for a new try (held while paused); 13:23 an edit.
  hub.clock.set(at("13:21:00"));
  expect((await admin.post("/api/v1/deliveries/pause", { reason: "Fel uppgift sprids" })).status).toBe(200);
  hub.clock.set(at("13:22:00"));
  expect((await admin.post(`/api/v1/deliveries/${mastodonSecond}/retry`)).status).toBe(200);
  hub.clock.set(at("13:23:00"));
  const edit = await admin.patch(`/api/v1/updates/${first}`, {
    body: "Vattnet är avstängt på Storgatan 1–20.",
    reason: "Fel husnummer",
  });
  expect(edit.status, edit.text).toBe(200);
  hub.clock.set(at("13:24:00"));
  expect((await hub.dispatch()).claimed, "nothing goes out while paused").toBe(0);
  hub.clock.set(at("13:25:00"));
  expect((await admin.post("/api/v1/deliveries/resume")).status).toBe(200);
  hub.clock.set(at("13:25:30"));
  await hub.drain();

  // 13:30 update 3, withdrawn at 13:31 before anything went out.
  hub.clock.set(at("13:30:00"));
  const third = await hub.post("Skolan är stängd.");
  hub.clock.set(at("13:31:00"));
  expect((await admin.post(`/api/v1/updates/${third}/withdraw`, { reason: "Gällde en annan skola" })).status).toBe(200);

  // Translations: English 2 min 30 s after update 1 and 1 min after update 2; Arabic 6 min after 1.
  const translation = (updateId: string, language: string, createdAt: string) => ({
    updateId,
    language,
    body: `(${language})`,
    createdAt: new Date(createdAt),
  });
  await hub.deps.db
    .insert(updateTranslations)
    .values([
      translation(first, "en", at("13:12:30")),
      translation(first, "ar", at("13:16:00")),
      translation(second.json.id, "en", at("13:21:00")),
    ]);
  // Two live WebSub subscribers of the incident's feeds, one of the site's, one whose lease ran out.
  const sub = (topic: string, expiresAt: string, n: number) => ({
    topic: `https://kris.exempel.se${topic}`,
    callback: `https://lasare.example/${n}`,
    leaseSeconds: 86_400,
    expiresAt: new Date(expiresAt),
    createdAt: hub.clock.now(),
    updatedAt: hub.clock.now(),
  });
  await hub.deps.db
    .insert(websubSubscriptions)
    .values([
      sub(`/incidents/${hub.incident.slug}/feed.atom`, "2026-11-30T00:00:00Z", 1),
      sub(`/incidents/${hub.incident.slug}/feed.json`, "2026-11-30T00:00:00Z", 2),
      sub(`/incidents/${hub.incident.slug}/feed.rss`, "2026-11-21T13:00:00Z", 3),
      sub("/feed.atom", "2026-11-30T00:00:00Z", 4),
    ]);
  hub.clock.set(at("14:00:00"));
}, 60_000);
afterAll(() => hub?.close());

const getReport = (token: string, id = hub.incident.id) => api(hub, token).get(`/api/v1/incidents/${id}/report`);

describe("GET /api/v1/incidents/:id/report", () => {
  test("times each channel from the website, with its attempts, for an open incident up to now", async () => {
    const res = await getReport(registrar.token);
    expect(res.status, res.text).toBe(200);
    const r = res.json;
    expect(r.generatedAt).toBe(at("14:00:00"));
    expect(r.incident).toMatchObject({ id: hub.incident.id, status: "active", closedAt: null });
    expect(r.updates.map((u: { number: number }) => u.number)).toEqual([1, 2, 3]);
    const publishes = (n: number) =>
      Object.fromEntries(
        r.updates[n - 1].channels
          .filter((c: { kind: string }) => c.kind === "publish")
          .map((c: { account: { platform: string } }) => [c.account.platform, c]),
      );
    expect(publishes(1).mastodon).toMatchObject({ secondsToChannel: 20, attempts: 1, status: "published" });
    expect(publishes(1).telegram).toMatchObject({ secondsToChannel: 20, attempts: 1 });
    expect(publishes(1).x).toMatchObject({ secondsToChannel: 320, attempts: 2, publishedAt: at("13:15:20") });
    expect(publishes(1).x.attemptLog.map((a: { outcome: string }) => a.outcome)).toEqual(["pending", "published"]);
    expect(publishes(2).x).toMatchObject({ secondsToChannel: 40, borrowed: false });
    expect(publishes(2).telegram).toMatchObject({ secondsToChannel: 40, borrowed: true });
    // Failed at 13:20:40, retried by a person, held by the kill switch, out at 13:25:30.
    expect(publishes(2).mastodon).toMatchObject({ secondsToChannel: 330, attempts: 2, status: "published" });
    expect(Object.values(publishes(3)).map((c) => (c as { status: string }).status)).toEqual([
      "cancelled",
      "cancelled",
      "cancelled",
    ]);
    // The edit's deliveries are timed from the edit (13:23:00), out at 13:25:30.
    const edits = r.updates[0].channels.filter((c: { kind: string }) => c.kind === "edit");
    expect(edits.length).toBeGreaterThan(0);
    for (const e of edits) expect(e).toMatchObject({ startedAt: at("13:23:00"), secondsToChannel: 150 });
  });

  test("summarises: median, p95 and max time to channel, deliveries per final status", async () => {
    const r = (await getReport(hub.token)).json;
    // Publish times: 20, 20, 320 (update 1); 40, 40, 330 (update 2).
    expect(r.summary.timeToChannel).toEqual({ count: 6, medianSeconds: 40, p95Seconds: 330, maxSeconds: 330 });
    const edits = r.updates[0].channels.filter((c: { kind: string }) => c.kind === "edit").length;
    expect(r.summary.deliveries.total).toBe(9 + edits);
    expect(r.summary.deliveries.byStatus).toEqual({
      pending: 0,
      sending: 0,
      published: 6 + edits,
      failed: 0,
      skipped: 0,
      cancelled: 3,
    });
    expect(r.summary.updates).toEqual({ total: 3, published: 3, edited: 1, withdrawn: 1, rejected: 0, waiting: 0 });
    expect(r.summary.borrowings).toBe(1);
    expect(r.summary.killSwitch).toEqual({ pauses: 1 });
  });

  test("lists each failure with its classes and how it was settled", async () => {
    const r = (await getReport(hub.token)).json;
    expect(r.failures).toHaveLength(2);
    const [x, mastodon] = r.failures;
    expect(x).toMatchObject({
      updateNumber: 1,
      account: { platform: "x" },
      failureClasses: ["retry"],
      failedAttempts: 1,
      settledHow: "published_after_retry",
      settledAt: at("13:15:20"),
      settledBy: null,
    });
    expect(mastodon).toMatchObject({
      deliveryId: mastodonSecond,
      updateNumber: 2,
      failureClasses: ["invalid"],
      settledHow: "retried_by_person",
      settledAt: at("13:25:30"),
      settledBy: "Systemadministratör",
    });
    expect(r.summary.failures).toEqual({ deliveries: 2, byClass: { retry: 1, invalid: 1 }, unsettled: 0 });
  });

  test("the timeline has every person's action with who and when, the kill switch included", async () => {
    const r = (await getReport(hub.token)).json;
    const rows = r.timeline.map((e: { at: string; action: string; updateNumber: number | null; detail: string }) => [
      e.at,
      e.action,
      e.updateNumber,
      e.detail,
    ]);
    expect(rows).toEqual([
      [at("13:05:00"), "incident.opened", null, null],
      [at("13:10:00"), "update.posted", 1, null],
      // Written in the one transaction of the post, the borrowing first.
      [at("13:20:00"), "account.borrowed", 2, "VA:s redaktörer är ute vid läckan."],
      [at("13:20:00"), "update.posted", 2, null],
      [at("13:21:00"), "deliveries.paused", null, "Fel uppgift sprids"],
      [at("13:22:00"), "delivery.retried", 2, expect.stringContaining("Nytt försök begärt")],
      [at("13:23:00"), "update.edited", 1, "Fel husnummer"],
      [at("13:25:00"), "deliveries.resumed", null, "Pausat i 4 min"],
      [at("13:30:00"), "update.posted", 3, null],
      [at("13:31:00"), "update.withdrawn", 3, "Gällde en annan skola"],
    ]);
    const borrowed = r.timeline[2];
    expect(borrowed.actor.name).toBe("Kim Kommunikatör");
    expect(borrowed.account).toMatchObject({ id: hub.accountIds.telegram, platform: "telegram" });
    expect(r.borrowings).toEqual([
      expect.objectContaining({
        person: "Kim Kommunikatör",
        updateNumber: 2,
        reason: "VA:s redaktörer är ute vid läckan.",
      }),
    ]);
  });

  test("times each language after the Swedish text, and counts live WebSub subscribers", async () => {
    const r = (await getReport(hub.token)).json;
    expect(
      r.languages.map((l: { updateNumber: number; language: string; secondsAfterSwedish: number }) => [
        l.updateNumber,
        l.language,
        l.secondsAfterSwedish,
      ]),
    ).toEqual([
      [1, "ar", 360],
      [1, "en", 150],
      [2, "en", 60],
    ]);
    expect(r.summary.languages).toMatchObject({ count: 3, medianSeconds: 150, p95Seconds: 360, maxSeconds: 360 });
    expect(r.summary.languages.byLanguage.en).toEqual({
      count: 2,
      medianSeconds: 105,
      p95Seconds: 150,
      maxSeconds: 150,
    });
    expect(r.reach.websub).toEqual({ incidentFeedSubscribers: 2, siteFeedSubscribers: 1, countedAt: at("14:00:00") });
    // The same counts as GET /api/v1/reach?incident=: WebSub by feed, the other channels empty here.
    const id = hub.incident.id;
    expect(r.reach.subscriptions.subscribers.websub).toEqual({ everything: 1, incidents: { [id]: 2 } });
    for (const channel of ["web_push", "email", "sms"]) {
      expect(r.reach.subscriptions.subscribers[channel]).toEqual({ everything: 0, incidents: { [id]: 0 } });
    }
    expect(r.reach.subscriptions.incidentId).toBe(id);
    expect(r.reach.subscriptionsNote).toMatch(/Prenumeranter/);
  });

  test("a closed incident's report keeps its figures; the close is on the timeline", async () => {
    hub.clock.set(at("15:00:00"));
    const closed = await api(hub, hub.token).post(`/api/v1/incidents/${hub.incident.id}/close`);
    expect(closed.status, closed.text).toBe(200);
    hub.clock.set(at("16:00:00"));
    const r = (await getReport(communicator.token)).json;
    expect(r.incident).toMatchObject({ status: "resolved", closedAt: at("15:00:00") });
    expect(r.timeline.at(-1)).toMatchObject({ action: "incident.closed", at: at("15:00:00") });
    expect(r.summary.timeToChannel.medianSeconds).toBe(40);
  });

  test("who may read it, and bad input", async () => {
    for (const token of [editor.token]) {
      const res = await getReport(token);
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("role_forbidden");
    }
    const viewer = await addPerson(hub, { role: "viewer" });
    expect((await getReport(viewer.token)).status).toBe(403);
    const unknown = await getReport(hub.token, "6f1c1e9e-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("not_found");
    const malformed = await getReport(hub.token, "inte-ett-id");
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.fields.map((f: { field: string }) => f.field)).toEqual(["id"]);
    expect((await api(hub).get(`/api/v1/incidents/${hub.incident.id}/report`)).status).toBe(401);
  });
});

describe("the printable staff page", () => {
  test("has the charts as inline SVG, one mark per data point, beside tables, and no script", async () => {
    const browser = await signInStaff(hub, communicator.email, PASSWORD);
    const incidentPage = await browser.get(`/staff/incidents/${hub.incident.id}`);
    expect(incidentPage.html).toContain(`href="/staff/incidents/${hub.incident.id}/report"`);
    const page = await browser.get(`/staff/incidents/${hub.incident.id}/report`);
    expect(page.status).toBe(200);
    const html = page.html;
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain("/staff/assets/report.css");
    expect(html).not.toMatch(/<script/i);
    const charts = [...html.matchAll(/<svg class="chart" id="([^"]+)"[\s\S]*?<\/svg>/g)];
    expect(charts.map((c) => c[1])).toEqual(["diagram-tid-till-kanal", "diagram-slutstatus"]);
    const [time, status] = charts.map((c) => c[0]);
    for (const svg of [time, status]) {
      expect(svg).toMatch(/role="img" aria-labelledby="[^"]+-titel [^"]+-beskrivning"/);
      expect(svg).toMatch(/<title id="[^"]+-titel">/);
      expect(svg).toMatch(/<desc id="[^"]+-beskrivning">/);
    }
    // Six publications with a time, in the order they were queued; two final statuses.
    const r = (await getReport(hub.token)).json;
    const queued = r.updates
      .flatMap((u: { channels: { kind: string; secondsToChannel: number | null }[] }) => u.channels)
      .filter(
        (c: { kind: string; secondsToChannel: number | null }) => c.kind === "publish" && c.secondsToChannel !== null,
      )
      .map((c: { secondsToChannel: number }) => c.secondsToChannel);
    expect([...queued].sort((a, b) => a - b)).toEqual([20, 20, 40, 40, 320, 330]);
    const seconds = [...time.matchAll(/class="mark" data-seconds="(\d+)"/g)].map((m) => Number(m[1]));
    expect(seconds).toEqual(queued);
    const counts = [...status.matchAll(/class="mark" data-count="(\d+)"/g)].map((m) => Number(m[1]));
    expect(counts).toEqual([r.summary.deliveries.byStatus.published, 3]);
    expect(time).toContain("5 min 20 s");
    expect(html).toContain("Fel uppgift sprids");
    expect(html).toContain("Publicerad efter nytt försök som en person begärde");
  });

  test("refuses an editor and answers 404 and 400 in Swedish", async () => {
    const browser = await signInStaff(hub, editor.email, PASSWORD);
    expect((await browser.get(`/staff/incidents/${hub.incident.id}/report`)).status).toBe(403);
    const page = await browser.get(`/staff/incidents/${hub.incident.id}`);
    expect(page.html).not.toContain("/report");
    const reader = await signInStaff(hub, registrar.email, PASSWORD);
    expect((await reader.get("/staff/incidents/6f1c1e9e-0000-4000-8000-000000000000/report")).status).toBe(404);
    const bad = await reader.get("/staff/incidents/inte-ett-id/report");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Felaktiga uppgifter");
  });
});

describe("the archive's copy, written a page of rows at a time", () => {
  const text = async (chunks: AsyncIterable<string>) => {
    let out = "";
    for await (const chunk of chunks) out += chunk;
    return out;
  };

  test("is byte for byte the whole report's JSON and printable page, whatever the page size", async () => {
    hub.clock.set(at("17:00:00"));
    const deps = { ...hub.deps, now: () => new Date(at("17:00:00")) };
    const incident = await requireIncident(hub.deps.db, hub.incident.id);
    const whole = await buildIncidentReport(deps, incident);
    // The record has every kind of row the streamed lists carry, so none of them is compared empty.
    expect(whole.updates.flatMap((u) => u.channels).length).toBeGreaterThan(9);
    expect(whole.failures).toHaveLength(2);
    expect(whole.borrowings).toHaveLength(1);
    expect(whole.languages).toHaveLength(3);
    expect(whole.timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining(["update.edited", "update.withdrawn", "deliveries.paused", "delivery.retried"]),
    );
    const json = canonicalJson(whole);
    const html = renderReportDocument(hub.deps.render, whole, "Exempelkommunen");
    expect(html).toContain('<svg class="chart" id="diagram-tid-till-kanal"');
    // One row a page crosses every page end; one failure held makes the writer read them again.
    for (const options of [{ pageSize: 1 }, { pageSize: 2, heldFailures: 1 }, {}]) {
      const stream = await streamIncidentReport(deps, incident, options);
      expect(await text(stream.json()), JSON.stringify(options)).toBe(json);
      expect(await text(stream.html(hub.deps.render, "Exempelkommunen")), JSON.stringify(options)).toBe(html);
    }
  });

  test("the same with one bar per update: times in microseconds, half seconds and ties counted by the database", async () => {
    const db = hub.deps.db;
    const [{ id: incidentId }] = rowsOf<{ id: string }>(
      await db.execute(sql`
      insert into incidents (slug, title, severity, status, areas, opened_at, updated_at)
      values ('lang-handelse', 'Lång händelse', 'major', 'active', '[]'::jsonb, ${at("12:00:00")}::timestamptz, ${at("12:00:00")}::timestamptz)
      returning id`),
    );
    // 80 updates to the three accounts: 240 timed first posts, more than the chart has bars for.
    // Each update's posts land 1.5 s, 2.4996 s and 2.5 s after it (plus a few ms per update), so
    // rounding to whole seconds, ties and the database's microseconds all matter.
    await db.execute(sql`
      insert into updates (incident_id, number, kind, body, author, state, created_at, published_at, targets)
      select ${incidentId}::uuid, n, 'update', 'Uppdatering ' || n, '{"name":"Anna"}'::jsonb, 'published',
             ${at("12:00:00")}::timestamptz + n * interval '1 minute' + interval '123.456 microseconds',
             ${at("12:00:00")}::timestamptz + n * interval '1 minute' + interval '123.456 microseconds', '"all"'::jsonb
      from generate_series(1, 80) n`);
    await db.execute(sql`
      insert into deliveries (update_id, account_id, kind, status, attempts, next_attempt_at, created_at, updated_at, published_at)
      select u.id, a.id, 'publish', 'published', 1, u.published_at, u.published_at, u.published_at,
             u.published_at + (case a.rank when 1 then 1500 when 2 then 2499.6 else 2500 end + u.number % 7) * interval '1 millisecond'
      from updates u cross join (select id, row_number() over (order by handle) as rank from accounts) a
      where u.incident_id = ${incidentId}::uuid
      order by u.number, a.rank`);
    const deps = { ...hub.deps, now: () => new Date(at("17:00:00")) };
    const incident = await requireIncident(db, incidentId);
    const whole = await buildIncidentReport(deps, incident);
    expect(whole.summary.timeToChannel.count).toBeGreaterThan(200);
    const json = canonicalJson(whole);
    const html = renderReportDocument(hub.deps.render, whole, "Exempelkommunen");
    expect(html).toContain("en stapel per uppdatering visar dess långsammaste kanal");
    for (const options of [{ pageSize: 3 }, {}]) {
      const stream = await streamIncidentReport(deps, incident, options);
      expect(await text(stream.json()), JSON.stringify(options)).toBe(json);
      expect(await text(stream.html(hub.deps.render, "Exempelkommunen")), JSON.stringify(options)).toBe(html);
    }
  });
});
