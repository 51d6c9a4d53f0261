// Issue 13: delivery truth under faults. A post in doubt is settled by the lookup, which is asked
// again when it could not ask the platform; a person is asked only after that, and their retry
// still looks first. Later updates of the incident wait for a first post in doubt, and reply to it
// once it is settled, instead of starting a second thread.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { THREAD_ROOT_POLL_MS, THREAD_ROOT_WAIT_MS } from "../../src/dispatcher/run";
import { LOOKUP_ATTEMPTS } from "../../src/dispatcher/settle";
import { PLATFORMS } from "../../src/platforms/types";
import { api } from "../helpers/hub";
import { addPerson } from "../helpers/people";
import { signInStaff, textOf } from "../routes/staff-browser";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

const PASSWORD = "Korrekt hästbatteri 2026";
// Long enough for the stand-in to store a post on a busy machine before the hub gives up waiting.
const FAST = { sendTimeoutMs: 2_000 };
// The timeline lookup on X: GET /2/users/me, then /2/users/{id}/tweets.
const X_LOOKUP = "/2/users/";
const X_CREATE = "/2/tweets";

let hub: FanoutHub;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["x", "telegram"] });
});
afterAll(() => hub.close());
beforeEach(() => {
  for (const platform of PLATFORMS) hub.sandbox.control(platform).reset();
});

const xPosts = (text: string) => hub.sandbox.state("x").posts.filter((p) => p.text.includes(text) && !p.deleted);
const xRow = async (updateId: string) => (await hub.byPlatform(updateId)).x;

/** Runs the dispatcher, an hour apart, until X's delivery of `updateId` is no longer pending. */
async function untilSettled(updateId: string) {
  for (let pass = 0; pass < LOOKUP_ATTEMPTS + 2; pass++) {
    if ((await xRow(updateId)).status !== "pending") break;
    hub.clock.advance(3_600_000);
    await hub.dispatch(FAST);
  }
  return xRow(updateId);
}

describe("a lookup that could not ask the platform", () => {
  test("is asked again: a post that had landed ends published, not unconfirmed", async () => {
    hub.sandbox.control("x").hang({ afterHandling: true, match: X_CREATE });
    const updateId = await hub.post("Ett: brandröken driver mot centrum.");
    await hub.dispatch(FAST);
    expect(await xRow(updateId)).toMatchObject({ status: "pending", failureClass: "unconfirmed" });

    hub.sandbox.control("x").failNext({ status: 503, match: X_LOOKUP });
    hub.clock.advance(3_600_000);
    await hub.dispatch(FAST);
    const waiting = await xRow(updateId);
    expect(waiting).toMatchObject({ status: "pending", failureClass: "unconfirmed" });
    expect(waiting.message).toContain("Frågar igen (1 av");

    hub.clock.advance(3_600_000);
    await hub.dispatch(FAST);
    const row = await xRow(updateId);
    expect(row).toMatchObject({ status: "published", failureClass: null });
    expect(xPosts("Ett: brandröken")).toHaveLength(1);
    expect(row.remoteId).toBe(xPosts("Ett: brandröken")[0].id);
    expect(row.settlement?.checks.map((c) => c.answer)).toEqual(["unknown", "found"]);

    const listed = await api(hub, hub.token).get(`/api/v1/updates/${updateId}/deliveries`);
    expect(listed.status, listed.text).toBe(200);
    const view = listed.json.deliveries.find((d: { id: string }) => d.id === row.id);
    expect(view.checks).toHaveLength(2);
    expect(view.checks[0]).toMatchObject({ answer: "unknown", by: expect.stringContaining("X:") });
    expect(view.checks[1]).toMatchObject({ answer: "found", detail: row.remoteUrl });
  });
});

describe("thread replies after a first post in doubt", () => {
  test("a later update waits for the root a lookup settles later, and replies to it", async () => {
    const admin = api(hub, hub.token);
    const incident = (await admin.post("/api/v1/incidents", { title: "Brand i Östra hamnen", severity: "major" })).json;
    const postUpdate = async (body: string) =>
      (await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body })).json.id as string;
    hub.sandbox.control("x").hang({ afterHandling: true, match: X_CREATE });
    const first = await postUpdate("Hamnen 1: brand i ett lager.");
    const second = await postUpdate("Hamnen 2: håll fönster stängda.");
    await hub.dispatch(FAST);
    hub.sandbox.control("x").failNext({ status: 503, match: X_LOOKUP, times: 2 });
    for (let pass = 0; pass < 3; pass++) {
      hub.clock.advance(3_600_000);
      await hub.dispatch(FAST);
    }
    expect(await xRow(first)).toMatchObject({ status: "published" });
    await hub.drain(FAST);
    const reply = await xRow(second);
    expect(reply.status).toBe("published");
    const [root] = xPosts("Hamnen 1:");
    expect(xPosts("Hamnen 1:")).toHaveLength(1);
    expect(xPosts("Hamnen 2:")[0].replyTo).toBe(root.id);
  });

  test("a root that stopped for a person holds later updates; the person's retry finds it and they reply to it", async () => {
    const admin = api(hub, hub.token);
    const incident = (await admin.post("/api/v1/incidents", { title: "Gasläcka på Kvarngatan", severity: "major" }))
      .json;
    const postUpdate = async (body: string) =>
      (await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body })).json.id as string;
    hub.sandbox.control("x").hang({ afterHandling: true, match: X_CREATE });
    const first = await postUpdate("Kvarn 1: gasläcka, området spärras.");
    await hub.dispatch(FAST);
    hub.sandbox.control("x").failNext({ status: 503, match: X_LOOKUP, times: 100 });
    const stopped = await untilSettled(first);
    expect(stopped).toMatchObject({ status: "failed", failureClass: "unconfirmed" });

    const second = await postUpdate("Kvarn 2: evakuering pågår.");
    await hub.dispatch(FAST);
    const waiting = await xRow(second);
    expect(waiting).toMatchObject({ status: "pending", attempts: 0 });
    expect(waiting.message).toContain("samma tråd");
    expect(xPosts("Kvarn 2:")).toHaveLength(0);

    // The person did not spot the post and asks for another try: the lookup runs first and finds it.
    hub.sandbox.control("x").reset();
    const retried = await admin.post(`/api/v1/deliveries/${stopped.id}/retry`);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json.checks.at(-1)).toMatchObject({ answer: "confirmed_absent" });
    await hub.dispatch(FAST);
    const settled = await xRow(first);
    expect(settled.status).toBe("published");
    expect(settled.message).toContain("fanns redan");
    expect(xPosts("Kvarn 1:")).toHaveLength(1);
    expect(settled.settlement?.confirmedAbsent).toBeUndefined();
    expect(settled.settlement?.checks.slice(-2).map((c) => c.answer)).toEqual(["confirmed_absent", "found"]);

    hub.clock.advance(THREAD_ROOT_POLL_MS);
    await hub.drain(FAST);
    expect(await xRow(second)).toMatchObject({ status: "published", attempts: 1 });
    expect(xPosts("Kvarn 2:")[0].replyTo).toBe(xPosts("Kvarn 1:")[0].id);
  });

  test("a root nobody settles holds a later update only so long; then it starts a new thread, with a note", async () => {
    const admin = api(hub, hub.token);
    const incident = (await admin.post("/api/v1/incidents", { title: "Översvämning vid ån", severity: "major" })).json;
    const postUpdate = async (body: string) =>
      (await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body })).json.id as string;
    hub.sandbox.control("x").hang({ afterHandling: true, match: X_CREATE });
    const first = await postUpdate("Ån 1: vattnet stiger.");
    await hub.dispatch(FAST);
    hub.sandbox.control("x").failNext({ status: 503, match: X_LOOKUP, times: 100 });
    expect((await untilSettled(first)).status).toBe("failed");

    const second = await postUpdate("Ån 2: sandsäckar vid bron.");
    for (let waited = 0; waited < THREAD_ROOT_WAIT_MS; waited += THREAD_ROOT_POLL_MS) {
      await hub.dispatch(FAST);
      expect(xPosts("Ån 2:")).toHaveLength(0);
      hub.clock.advance(THREAD_ROOT_POLL_MS);
    }
    await hub.dispatch(FAST);
    const row = await xRow(second);
    expect(row).toMatchObject({ status: "published", attempts: 1 });
    expect(row.message).toContain("ny tråd");
    expect(xPosts("Ån 2:")).toHaveLength(1);
    expect(xPosts("Ån 2:")[0].replyTo).toBeUndefined();
  });
});

describe("a person's retry of a delivery in doubt", () => {
  test("Telegram cannot be searched: the board says what was checked, and only the person's word sends it", async () => {
    hub.sandbox.control("telegram").hang({ afterHandling: true, match: "sendMessage" });
    const updateId = await hub.post("Två: kokningsråd i Norra.");
    await hub.dispatch(FAST);
    const row = (await hub.byPlatform(updateId)).telegram;
    expect(row).toMatchObject({ status: "failed", failureClass: "unconfirmed" });
    expect(row.message).toContain("går inte att söka i");
    expect(row.settlement?.checks).toEqual([
      expect.objectContaining({ by: "Telegram", answer: "no_lookup", detail: expect.stringContaining("Inget svar") }),
    ]);

    const person = await addPerson(hub, { role: "admin", name: "Ture Tillsyn", password: PASSWORD });
    const browser = await signInStaff(hub, person.email, PASSWORD);
    const board = textOf((await browser.get(`/staff/updates/${updateId}`)).html);
    expect(board).toContain("Vad Kriskanal har kontrollerat");
    expect(board).toContain("Telegram – går inte att söka");
    expect(board).toContain("söker efter det en gång till");
  });
});
