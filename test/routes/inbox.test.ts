// The shared inbox over the API against the stand-ins: listing with filters, the deadline rule
// on the injected clock, answering as a thread reply (once), removal through the removals log,
// who sees what, and bad input.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, auditLog, inboxAnswers, inboxItems, incidents, organisations, removals } from "../../src/db/schema";
import { sendDueInboxAnswers } from "../../src/domain/inbox/answers";
import { collectDueInboxes, INBOX_POLL_MS } from "../../src/domain/inbox/collect";
import { answerDeadline, InboxRule } from "../../src/domain/inbox/deadline";
import { recordOf } from "../../src/domain/records/archive-registers";
import { inboxAnswersRegister, inboxItemsRegister } from "../../src/domain/records/inbox-registers";
import type { Platform } from "../../src/platforms/types";
import { type FanoutHub, startFanoutHub } from "../dispatcher/fanout-hub";
import { api } from "../helpers/hub";
import { addDepartment, addPerson } from "../helpers/people";

const PLATFORMS: Platform[] = ["mastodon", "bluesky"];
let hub: FanoutHub;
let admin: ReturnType<typeof api>;
/** Work the verbs hand to deps.defer (an answer's first send), awaited where a test reads its outcome. */
let deferred: Promise<unknown>[] = [];
async function sendAnswers() {
  await Promise.all(deferred);
  deferred = [];
  await sendDueInboxAnswers(hub.deps, "test");
}

beforeAll(async () => {
  hub = await startFanoutHub({ platforms: PLATFORMS });
  admin = api(hub, hub.token);
  hub.deps.defer = (work) => {
    deferred.push(work.catch(() => {}));
  };
  await hub.post("Vattnet är avstängt på Storgatan.");
  await hub.drain();
});
afterAll(() => hub.close());

async function collect() {
  hub.clock.advance(INBOX_POLL_MS);
  await collectDueInboxes(hub.deps);
}

async function itemOf(platform: Platform, text: string) {
  const res = await admin.get(`/api/v1/inbox?accountId=${hub.accountIds[platform]}`);
  expect(res.status).toBe(200);
  const item = res.json.items.find((i: { text: string }) => i.text.includes(text));
  expect(item, text).toBeTruthy();
  return item;
}

describe.each(PLATFORMS)("%s", (platform) => {
  test("an item lists with its account, post, incident and deadline; answering replies in the thread once", async () => {
    hub.sandbox.reply(platform, { text: "Gäller det Norrby?", author: "anna" });
    await collect();
    const item = await itemOf(platform, "Norrby");
    expect(item).toMatchObject({
      platform,
      state: "new",
      deadline: "ok",
      incident: { id: hub.incident.id },
      post: { updateNumber: 1 },
    });
    expect(item.author).toMatch(/^@anna/);

    const answered = await admin.post(`/api/v1/inbox/${item.id}/answers`, {
      text: "Ja, Norrby omfattas.",
      saveAsStandard: true,
    });
    expect(answered.status).toBe(202);
    // A second answer while the first is on its way: refused, nothing queued.
    const twice = await admin.post(`/api/v1/inbox/${item.id}/answers`, { text: "Ja." });
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe("inbox_answer_pending");
    await sendAnswers();
    await sendAnswers();
    const posts = hub.sandbox.state(platform).posts.filter((p) => p.text.includes("Norrby omfattas"));
    expect(posts).toHaveLength(1);
    expect(posts[0].replyTo).toBe(item.remoteId);
    const after = await itemOf(platform, "Norrby");
    expect(after.state).toBe("answered");
    expect(after.answers).toMatchObject([{ status: "published", text: "Ja, Norrby omfattas." }]);
    expect(after.answers[0].remoteUrl).toMatch(/^https?:\/\//);
    const standard = await admin.get(`/api/v1/incidents/${hub.incident.id}/standard-answers`);
    expect(standard.json.standardAnswers.map((s: { text: string }) => s.text)).toContain("Ja, Norrby omfattas.");
    const audits = await hub.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, answered.json.id))
      .orderBy(auditLog.id);
    expect(audits.map((a) => a.action)).toEqual(["inbox.answer_queued", "inbox.answer_published"]);
  });

  test("our answer, replied to, threads back to the same incident", async () => {
    const answer = hub.sandbox.state(platform).posts.find((p) => p.text.includes("Norrby omfattas"));
    hub.sandbox.reply(platform, { postId: answer?.id, text: "Tack för svaret!", author: "anna" });
    await collect();
    const item = await itemOf(platform, "Tack för svaret");
    expect(item.incident?.id).toBe(hub.incident.id);
  });

  test("a platform error stays on the item with what to do; the answer is not lost", async () => {
    hub.sandbox.reply(platform, { text: "Var finns tankbilen?", author: "bertil" });
    await collect();
    const item = await itemOf(platform, "tankbilen");
    hub.sandbox.control(platform).failNext({ status: 403, times: 3 });
    await admin.post(`/api/v1/inbox/${item.id}/answers`, { text: "Vid torget." });
    await sendAnswers();
    hub.sandbox.control(platform).reset();
    const after = await itemOf(platform, "tankbilen");
    expect(after.state).toBe("new");
    expect(after.answers).toMatchObject([{ status: "failed", failureClass: "rights", text: "Vid torget." }]);
    // Written again, it goes out.
    expect((await admin.post(`/api/v1/inbox/${item.id}/answers`, { text: "Vid torget." })).status).toBe(202);
    await sendAnswers();
    expect((await itemOf(platform, "tankbilen")).state).toBe("answered");
  });

  test("removal goes through the removals log with the content kept; a removed item cannot be answered", async () => {
    hub.sandbox.reply(platform, { text: "Ni är idioter allihop", author: "troll" });
    await collect();
    const item = await itemOf(platform, "idioter");
    const removed = await admin.post(`/api/v1/inbox/${item.id}/remove`, { reason: "personal_attack" });
    expect(removed.status).toBe(201);
    const [removal] = await hub.deps.db.select().from(removals).where(eq(removals.id, removed.json.removalId));
    expect(removal).toMatchObject({ content: item.text, reason: "personal_attack", platform });
    expect(removal.author).toMatch(/^@troll/);
    expect(removed.json.notice).toContain("personangrepp");
    const again = await admin.post(`/api/v1/inbox/${item.id}/answers`, { text: "Hej" });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("inbox_item_removed");
    const [row] = await hub.deps.db.select().from(inboxItems).where(eq(inboxItems.id, item.id));
    expect(row.state).toBe("removed");
  });
});

test("assign and no answer needed; filters by state and needs-answer", async () => {
  hub.sandbox.reply("mastodon", { text: "Bra jobbat!", author: "cecilia" });
  hub.sandbox.reply("mastodon", { text: "Vem ansvarar?", author: "david" });
  await collect();
  const thanks = await itemOf("mastodon", "Bra jobbat");
  const who = await itemOf("mastodon", "Vem ansvarar");
  const none = await admin.post(`/api/v1/inbox/${thanks.id}/no-answer-needed`, { reason: "Tack, ingen fråga" });
  expect(none.json).toMatchObject({ state: "no_answer_needed", reason: "Tack, ingen fråga" });
  const assigned = await admin.post(`/api/v1/inbox/${who.id}/assign`, { assigneeId: hub.adminId });
  expect(assigned.json.state).toBe("assigned");
  const open = await admin.get("/api/v1/inbox?needsAnswer=true");
  const openIds = open.json.items.map((i: { id: string }) => i.id);
  expect(openIds).toContain(who.id);
  expect(openIds).not.toContain(thanks.id);
  const byState = await admin.get("/api/v1/inbox?state=no_answer_needed");
  expect(byState.json.items.map((i: { id: string }) => i.id)).toEqual([thanks.id]);
  const byIncident = await admin.get(`/api/v1/inbox?incidentId=${hub.incident.id}`);
  expect(byIncident.json.items.length).toBeGreaterThan(2);
});

test("the deadline rule: minutes during an active incident, working days otherwise; soon and passed", async () => {
  const rule = InboxRule.parse({});
  const friday = new Date("2026-11-20T14:00:00Z");
  expect(answerDeadline(friday, false, rule).toISOString()).toBe("2026-11-23T14:00:00.000Z");
  expect(answerDeadline(friday, true, rule).toISOString()).toBe("2026-11-20T15:00:00.000Z");
  await hub.deps.db.update(organisations).set({ settings: { inbox: { activeIncidentMinutes: 30 } } });
  hub.sandbox.reply("bluesky", { text: "Hur länge till?", author: "erik" });
  await collect();
  const item = await itemOf("bluesky", "Hur länge");
  expect(new Date(item.deadlineAt).getTime() - new Date(item.postedAt).getTime()).toBe(30 * 60_000);
  hub.clock.set(new Date(new Date(item.deadlineAt).getTime() - 10 * 60_000));
  expect((await itemOf("bluesky", "Hur länge")).deadline).toBe("soon");
  hub.clock.set(new Date(new Date(item.deadlineAt).getTime() + 1));
  expect((await itemOf("bluesky", "Hur länge")).deadline).toBe("passed");
  await hub.deps.db.update(organisations).set({ settings: {} });
});

test("Svara alla i en uppdatering: the draft quotes the question without its author", async () => {
  const item = await itemOf("mastodon", "Vem ansvarar");
  const draft = await admin.get(`/api/v1/inbox/${item.id}/update-draft`);
  expect(draft.json.incidentId).toBe(hub.incident.id);
  expect(draft.json.body).toContain("”Vem ansvarar?”");
  expect(draft.json.body).not.toContain("david");
  expect(draft.json.body).not.toContain("@");
});

describe("who sees what", () => {
  test("an editor sees and answers only their departments' accounts' items; 403 otherwise", async () => {
    const water = await addDepartment(hub, "Vatten");
    const school = await addDepartment(hub, "Skola");
    await hub.deps.db.update(accounts).set({ departmentId: water }).where(eq(accounts.id, hub.accountIds.mastodon));
    await hub.deps.db.update(accounts).set({ departmentId: school }).where(eq(accounts.id, hub.accountIds.bluesky));
    const editor = await addPerson(hub, { role: "editor", departmentIds: [water] });
    const asEditor = api(hub, editor.token);
    const seen = await asEditor.get("/api/v1/inbox");
    expect(seen.status).toBe(200);
    const platforms = new Set(seen.json.items.map((i: { platform: string }) => i.platform));
    expect([...platforms]).toEqual(["mastodon"]);
    const foreign = await itemOf("bluesky", "Hur länge");
    const refused = await asEditor.post(`/api/v1/inbox/${foreign.id}/answers`, { text: "Svar" });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("account_not_permitted");
    expect((await asEditor.post(`/api/v1/inbox/${foreign.id}/assign`, { assigneeId: null })).status).toBe(403);
    expect((await asEditor.post(`/api/v1/inbox/${foreign.id}/remove`, { reason: "offensive" })).status).toBe(403);
    const answers = await hub.deps.db.select().from(inboxAnswers).where(eq(inboxAnswers.itemId, foreign.id));
    expect(answers).toHaveLength(0);
  });

  test("a viewer sees nothing; a registrar reads but cannot answer", async () => {
    const viewer = await addPerson(hub, { role: "viewer" });
    expect((await api(hub, viewer.token).get("/api/v1/inbox")).status).toBe(403);
    const registrar = await addPerson(hub, { role: "registrar" });
    const asRegistrar = api(hub, registrar.token);
    const list = await asRegistrar.get("/api/v1/inbox");
    expect(list.status).toBe(200);
    const answer = await asRegistrar.post(`/api/v1/inbox/${list.json.items[0].id}/answers`, { text: "Hej" });
    expect(answer.status).toBe(403);
  });
});

describe("bad input", () => {
  test("400 naming the wrong fields, nothing written", async () => {
    const item = await itemOf("mastodon", "Vem ansvarar");
    const before = (await hub.deps.db.select().from(inboxAnswers)).length;
    const empty = await admin.post(`/api/v1/inbox/${item.id}/answers`, { text: "  " });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.json.error.fields)).toContain("text");
    const pnr = await admin.post(`/api/v1/inbox/${item.id}/answers`, { text: "Ring om 19121212-1212" });
    expect(pnr.status).toBe(422);
    expect(pnr.json.error.code).toBe("personnummer_found");
    const reason = await admin.post(`/api/v1/inbox/${item.id}/remove`, { reason: "dislike" });
    expect(reason.status).toBe(400);
    expect(JSON.stringify(reason.json.error.fields)).toContain("reason");
    const nobody = await admin.post(`/api/v1/inbox/${item.id}/assign`, { assigneeId: crypto.randomUUID() });
    expect(nobody.status).toBe(400);
    expect(nobody.json.error.code).toBe("assignee_unknown");
    const filter = await admin.get("/api/v1/inbox?state=maybe&needsAnswer=perhaps");
    expect(filter.status).toBe(400);
    expect(JSON.stringify(filter.json.error.fields)).toMatch(/state.*needsAnswer|needsAnswer.*state/s);
    expect((await admin.get(`/api/v1/inbox/${crypto.randomUUID()}/update-draft`)).status).toBe(404);
    expect((await hub.deps.db.select().from(inboxAnswers)).length).toBe(before);
  });

  test("no credential in any item or answer", async () => {
    const everything = JSON.stringify({
      items: await hub.deps.db.select().from(inboxItems),
      answers: await hub.deps.db.select().from(inboxAnswers),
      listed: (await admin.get("/api/v1/inbox")).json,
    });
    for (const secret of ["sandbox-mastodon-token", "sbx1-sbx2-sbx3-sbx4", "sbx-access-", "sbx-refresh-"]) {
      expect(everything).not.toContain(secret);
    }
  });
});

test("the archive export's registers carry the items with their authors' handles, and the answers", async () => {
  const [incident] = await hub.deps.db.select().from(incidents).where(eq(incidents.id, hub.incident.id));
  const scope = { incidents: [incident], publicUrl: "https://kris.exempel.se" };
  const items = [];
  for await (const page of inboxItemsRegister.rows(hub.deps.db, scope)) items.push(...page);
  const records = items.map((r) => recordOf(inboxItemsRegister, r));
  expect(records.some((r) => String(r.author_handle).startsWith("@anna") && String(r.text).includes("Norrby"))).toBe(
    true,
  );
  const answers = [];
  for await (const page of inboxAnswersRegister.rows(hub.deps.db, scope)) answers.push(...page);
  expect(answers.map((r) => recordOf(inboxAnswersRegister, r).text)).toContain("Ja, Norrby omfattas.");
  expect(JSON.stringify(records)).not.toContain("sandbox-mastodon-token");
});

test("an answer whose lease ran out behind a slow platform is never posted by its first sender afterwards", async () => {
  hub.sandbox.reply("mastodon", { text: "Finns det dricksvatten i Norrby?", author: "erik" });
  hub.sandbox.reply("mastodon", { text: "Finns det dricksvatten i Söderby?", author: "frida" });
  await collect();
  const items = [await itemOf("mastodon", "i Norrby?"), await itemOf("mastodon", "i Söderby?")];
  const now = hub.clock.now();
  const queued = await hub.deps.db
    .insert(inboxAnswers)
    .values(
      items.map((item, i) => ({
        itemId: item.id,
        accountId: hub.accountIds.mastodon,
        text: `Vattentanken står vid skolan (${i}).`,
        nextAttemptAt: now,
        answeredByName: "Test",
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning();
  const postsOf = (text: string) => hub.sandbox.state("mastodon").posts.filter((p) => p.text.includes(text)).length;
  const real = hub.deps.platforms.mastodon as NonNullable<(typeof hub.deps.platforms)["mastodon"]>;
  const answerReply = real.answerReply?.bind(real) as NonNullable<typeof real.answerReply>;
  /** Answers the sweep settled as unconfirmed, with how often each was posted by then. */
  let settled: Map<string, number> | undefined;
  hub.deps.platforms.mastodon = Object.assign(Object.create(real), {
    async answerReply(...args: Parameters<typeof answerReply>) {
      const result = await answerReply(...args);
      if (!settled) {
        // The reply landed, but the platform answers late: the lease runs out, and another pass runs.
        settled = new Map();
        hub.clock.advance(60_001);
        await sendDueInboxAnswers(hub.deps, "other");
        for (const row of await hub.deps.db.select().from(inboxAnswers)) {
          const ours = queued.some((q) => q.id === row.id);
          if (ours && row.failureClass === "unconfirmed") settled.set(row.text, postsOf(row.text));
        }
      }
      return result;
    },
  });
  try {
    await sendDueInboxAnswers(hub.deps, "first");
  } finally {
    hub.deps.platforms.mastodon = real;
  }
  // Nothing the sweep settled was posted after it, and only the answer in flight was settled.
  for (const [text, posted] of settled ?? []) expect(postsOf(text), text).toBe(posted);
  expect(settled?.size).toBe(1);
  for (const answer of queued) expect(postsOf(answer.text), answer.text).toBe(1);
  // The first sender's late outcome does not overwrite the settlement, nor add to the audit trail.
  const [stalled] = queued.filter((q) => settled?.has(q.text));
  const [row] = await hub.deps.db.select().from(inboxAnswers).where(eq(inboxAnswers.id, stalled.id));
  expect(row).toMatchObject({ status: "failed", failureClass: "unconfirmed", leaseOwner: null });
  const audits = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, stalled.id));
  expect(audits.map((a) => a.action)).toEqual([]);
  expect(hub.logLines.join("\n")).toContain("an inbox answer outlived its lease");
});
