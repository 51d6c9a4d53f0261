// Exercises over HTTP: opened as such and never changed into a real incident (nor back), their
// own website under /ovning with the ÖVNING banner, kept off everything the public relies on in a
// real crisis (home, main feeds and their WebSub pushes, the CAP index, the crisis banner), CAP
// status Exercise, real accounts left out with a reason, the reset, and the export's marking.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { feedOfPath } from "../../src/domain/publishing/feed-document";
import { parseBagInfo, readZip } from "../archive/bagit-check";
import { addAccount, addPerson } from "../archive/records-fixtures";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
let exercise: { id: string; slug: string; url: string };
let real: { id: string; slug: string };
const changed: string[][] = [];

beforeAll(async () => {
  hub = await startTestHub({ deps: { onPublicChange: (paths) => void changed.push([...paths]) } });
  const admin = api(hub, hub.token);
  real = (await admin.post("/api/v1/incidents", { title: "Strömavbrott i Norra staden", severity: "major" })).json;
  await admin.post(`/api/v1/incidents/${real.id}/updates`, { body: "Strömmen är borta i Norra staden." });
  changed.length = 0;
  const opened = await admin.post("/api/v1/incidents", {
    title: "Övning: skogsbrand vid Östra skogen",
    severity: "critical",
    exercise: true,
    areas: ["Östra skogen"],
  });
  expect(opened.status, opened.text).toBe(201);
  exercise = opened.json;
  const posted = await admin.post(`/api/v1/incidents/${exercise.id}/updates`, {
    body: "Stäng fönster och ventilation i Östra skogen (övningsscenario).",
  });
  expect(posted.status, posted.text).toBe(201);
});
afterAll(() => hub.close());

const get = (path: string) => hub.app.request(path, {}, { deps: hub.deps });

describe("opening and the exercise flag", () => {
  test("an exercise is opened as such and lives under /ovning", () => {
    expect(exercise).toMatchObject({ exercise: true, resetAt: null });
    expect(exercise.url).toBe(`https://kris.exempel.se/ovning/${exercise.slug}`);
  });

  test("an exercise never becomes real, and a real incident never an exercise", async () => {
    const admin = api(hub, hub.token);
    const toReal = await admin.patch(`/api/v1/incidents/${exercise.id}`, { exercise: false });
    expect(toReal.status).toBe(409);
    expect(toReal.json.error.code).toBe("exercise_fixed");
    const toExercise = await admin.patch(`/api/v1/incidents/${real.id}`, { exercise: true, title: "Något annat" });
    expect(toExercise.status).toBe(409);
    expect(toExercise.json.error.code).toBe("exercise_fixed");
    // Nothing half-written: the title stayed.
    expect((await admin.get(`/api/v1/incidents/${real.id}`)).json).toMatchObject({ exercise: false });
    expect((await admin.get(`/api/v1/incidents/${real.id}`)).json.title).toBe("Strömavbrott i Norra staden");
    // Restating the flag as it is changes nothing, and is no error.
    const same = await admin.patch(`/api/v1/incidents/${exercise.id}`, { exercise: true, summary: "Övningsscenario" });
    expect(same.status, same.text).toBe(200);
    expect(same.json).toMatchObject({ exercise: true, summary: "Övningsscenario" });
  });
});

describe("the public website", () => {
  test("the exercise's pages are under /ovning, each with the ÖVNING banner; /incidents does not know them", async () => {
    for (const path of [`/ovning/${exercise.slug}`, `/ovning/${exercise.slug}/updates/1`, "/ovning"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain('class="exercise-banner"');
      expect(html, path).toContain("<strong>ÖVNING</strong>");
    }
    expect(await (await get("/ovning")).text()).toContain(`/ovning/${exercise.slug}`);
    expect(await (await get("/ovning")).text()).not.toContain(real.slug);
    expect((await get(`/incidents/${exercise.slug}`)).status).toBe(404);
    expect((await get(`/incidents/${exercise.slug}/updates/1`)).status).toBe(404);
    expect((await get(`/incidents/${exercise.slug}/feed.atom`)).status).toBe(404);
    expect((await get(`/incidents/${exercise.slug}/updates/1/cap.xml`)).status).toBe(404);
    expect((await get(`/incidents/${exercise.slug}/updates/1/og.png`)).status).toBe(404);
    // ... and /ovning does not know real incidents.
    expect((await get(`/ovning/${real.slug}`)).status).toBe(404);
    expect((await get(`/ovning/${real.slug}/updates/1/cap.xml`)).status).toBe(404);
    // A real incident's page has no banner.
    expect(await (await get(`/incidents/${real.slug}`)).text()).not.toContain('class="exercise-banner"');
  });

  test("home, the main feeds, the CAP index and the crisis banner never show an exercise", async () => {
    for (const path of ["/", "/feed.atom", "/feed.rss", "/feed.json", "/cap.atom", "/embed.json", "/embed"]) {
      const body = await (await get(path)).text();
      expect(body, path).not.toContain(exercise.slug);
      expect(body, path).not.toContain("Östra skogen");
    }
    expect(await (await get("/feed.atom")).text()).toContain("Strömmen är borta");
  });

  test("the exercises' feeds carry the exercise, say ÖVNING and name no WebSub hub", async () => {
    for (const path of ["/ovning/feed.atom", `/ovning/${exercise.slug}/feed.atom`]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const xml = await res.text();
      expect(xml, path).toContain("ÖVNING: Övning: skogsbrand vid Östra skogen (uppdatering 1)");
      expect(xml, path).toContain(`/ovning/${exercise.slug}/updates/1`);
      expect(xml, path).not.toContain("Strömmen är borta");
      expect(xml, path).not.toContain('rel="hub"');
      expect(res.headers.get("link"), path).toBeNull();
    }
    expect(await (await get("/ovning/feed.json")).text()).toContain("Östra skogen");
  });

  test("an exercise's CAP message says status Exercise; a real one says Actual", async () => {
    const cap = await get(`/ovning/${exercise.slug}/updates/1/cap.xml`);
    expect(cap.status).toBe(200);
    const xml = await cap.text();
    expect(xml).toContain("<status>Exercise</status>");
    expect(xml).toContain(`<web>https://kris.exempel.se/ovning/${exercise.slug}/updates/1</web>`);
    expect(await (await get(`/incidents/${real.slug}/updates/1/cap.xml`)).text()).toContain("<status>Actual</status>");
  });

  test("an exercise's changes make stale only /ovning pages: no main feed, so no WebSub push for one", () => {
    const paths = changed.flat();
    expect(paths).toContain(`/ovning/${exercise.slug}`);
    expect(paths).toContain("/ovning/feed.atom");
    for (const path of ["/", "/feed.atom", "/feed.rss", "/feed.json", "/cap.atom", "/embed", "/embed.json"]) {
      expect(paths, path).not.toContain(path);
    }
    expect(paths.some((p) => p.startsWith("/incidents/"))).toBe(false);
    // WebSub pushes follow feedOfPath, which knows only the real feeds.
    expect(paths.filter((p) => feedOfPath(p))).toEqual([]);
  });
});

describe("targets", () => {
  test("the preview and the response leave real accounts out of an exercise, each with its code", async () => {
    const official = await addAccount(hub, { platform: "mastodon", handle: "exempelkommun-ex" });
    const test = await addAccount(hub, { platform: "telegram", handle: "exempelkommun-ovning" });
    const admin = api(hub, hub.token);
    expect((await admin.patch(`/api/v1/accounts/${test.id}`, { exercise: true })).json.exercise).toBe(true);
    const preview = await admin.post(`/api/v1/incidents/${exercise.id}/updates/preview`, {
      body: "Brandröken driver mot centrum (övning).",
      targets: [official.id, test.id],
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json.previews.map((p: { accountId: string }) => p.accountId)).toEqual([test.id]);
    expect(preview.json.previews[0].text.startsWith("ÖVNING – Brandröken")).toBe(true);
    expect(preview.json.leftOut).toEqual([
      { accountId: official.id, platform: "mastodon", handle: "exempelkommun-ex", code: "exercise_account_required" },
    ]);
    // "all" in an exercise is every exercise account, never the official one.
    const posted = await admin.post(`/api/v1/incidents/${exercise.id}/updates`, { body: "Röken lättar (övning)." });
    expect(posted.json.deliveries.map((d: { accountId: string }) => d.accountId)).toEqual([test.id]);
    expect(posted.json.leftOut.map((l: { accountId: string }) => l.accountId)).toContain(official.id);
    // A real incident still reaches the official account, with nothing left out.
    const realPost = await admin.post(`/api/v1/incidents/${real.id}/updates`, {
      body: "Strömmen är tillbaka i delar av Norra staden.",
      targets: [official.id],
    });
    expect(realPost.json.deliveries.map((d: { accountId: string }) => d.accountId)).toEqual([official.id]);
    expect(realPost.json.leftOut).toEqual([]);
  });
});

describe("reset", () => {
  test("a real incident cannot be reset", async () => {
    const res = await api(hub, hub.token).post(`/api/v1/incidents/${real.id}/reset`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("incident_not_exercise");
  });

  test("a reset closes the exercise, marks it, stops what has not gone out and keeps every record", async () => {
    const admin = api(hub, hub.token);
    const before = (await admin.get(`/api/v1/incidents/${exercise.id}`)).json;
    // Four eyes on: an update waits, and then the reset rejects it.
    await admin.patch("/api/v1/organisation", { requireApproval: true });
    const communicator = await addPerson(hub, "communicator");
    const waiting = await api(hub, communicator.token).post(`/api/v1/incidents/${exercise.id}/updates`, {
      body: "Väntar på granskning (övning).",
    });
    expect(waiting.json.state).toBe("pending_approval");
    await admin.patch("/api/v1/organisation", { requireApproval: false });
    const reset = await api(hub, communicator.token).post(`/api/v1/incidents/${exercise.id}/reset`);
    expect(reset.status, reset.text).toBe(200);
    expect(reset.json).toMatchObject({ exercise: true, status: "resolved", rejectedUpdates: 1 });
    expect(reset.json.cancelledDeliveries).toBeGreaterThanOrEqual(1);
    expect(typeof reset.json.resetAt).toBe("string");
    expect(reset.json.next).toMatchObject({
      exercise: true,
      title: before.title,
      severity: "critical",
      areas: ["Östra skogen"],
    });
    // Nothing deleted: the updates and their pages are still there.
    const after = (await admin.get(`/api/v1/incidents/${exercise.id}`)).json;
    expect(after.updates.length).toBe(before.updates.length + 1);
    expect(after.updates.at(-1).state).toBe("rejected");
    expect((await get(`/ovning/${exercise.slug}/updates/1`)).status).toBe(200);
    const audit = (await admin.get(`/api/v1/audit?incidentId=${exercise.id}`)).json;
    expect(JSON.stringify(audit)).toContain("exercise.reset");
    // Once only; and the fresh run opens from `next` as a new exercise.
    const again = await admin.post(`/api/v1/incidents/${exercise.id}/reset`);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("exercise_already_reset");
    const fresh = await admin.post("/api/v1/incidents", reset.json.next);
    expect(fresh.status, fresh.text).toBe(201);
    expect(fresh.json).toMatchObject({ exercise: true, status: "active", title: before.title });
    expect(fresh.json.slug).not.toBe(exercise.slug);
  });

  test("the export of an exercise is marked as one, its CAP says Exercise", async () => {
    const res = await get(`/api/v1/incidents/${exercise.id}/export`);
    // The route needs a token: use the API client for the bytes.
    expect(res.status).toBe(401);
    const zip = await hub.app.request(
      `/api/v1/incidents/${exercise.id}/export`,
      { headers: { authorization: `Bearer ${hub.token}` } },
      { deps: hub.deps },
    );
    expect(zip.status).toBe(200);
    expect(zip.headers.get("content-disposition")).toContain(`kriskanal-ovning-${exercise.slug}`);
    const files = new Map(readZip(Buffer.from(await zip.arrayBuffer())).map((e) => [e.name, e.data.toString("utf8")]));
    const at = (suffix: string) => [...files.entries()].find(([name]) => name.endsWith(suffix))?.[1] ?? "";
    expect(parseBagInfo(at("bag-info.txt")).get("Kriskanal-Ovning")).toEqual(["true"]);
    expect(JSON.parse(at("metadata/descriptive/record.json")).incidents[0]).toMatchObject({
      exercise: true,
      url: `https://kris.exempel.se/ovning/${exercise.slug}`,
    });
    expect(at("update-0001.xml")).toContain("<status>Exercise</status>");
    expect(at("incidents.csv")).toContain("exercise");
  });

  test("an exercise's after-action report says it is one, with its reset, and so does its printable page", async () => {
    const report = await api(hub, hub.token).get(`/api/v1/incidents/${exercise.id}/report`);
    expect(report.status, report.text).toBe(200);
    expect(report.json.incident).toMatchObject({
      exercise: true,
      url: `https://kris.exempel.se/ovning/${exercise.slug}`,
    });
    expect(report.json.incident.resetAt).not.toBeNull();
    expect(report.json.timeline.map((e: { action: string }) => e.action)).toContain("exercise.reset");
    const realReport = await api(hub, hub.token).get(`/api/v1/incidents/${real.id}/report`);
    expect(realReport.json.incident).toMatchObject({ exercise: false, resetAt: null });
  });
});
