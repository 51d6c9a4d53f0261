// The platforms that list comments per post, or mentions, or a discussion group's messages:
// each reply collected once and tied to our post and its incident, the cursor carried across a
// restart, an answer sent once as a reply in the thread (and never collected back), a 429
// honoured, and removal through the adapter where the platform has it.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inboxAnswers, inboxCursors, inboxItems } from "../../../src/db/schema";
import { sendDueInboxAnswers } from "../../../src/domain/inbox/answers";
import { collectDueInboxes } from "../../../src/domain/inbox/collect";
import { createPlatforms } from "../../../src/platforms/index";
import type { Platform } from "../../../src/platforms/types";
import type { SandboxComment, SandboxPost } from "../../../src/sandbox/index";
import { type FanoutHub, IMAGE, startFanoutHub } from "../../dispatcher/fanout-hub";
import { api } from "../../helpers/hub";

interface PlatformCase {
  /** Part of the collection request's path, to aim a 429 at collection only. */
  listPath: string;
  /** What in the stand-in's state is our answer to the reply with this remote id. */
  answersTo(state: { posts: SandboxPost[]; comments: SandboxComment[] }, replyId: string): { id: string }[];
  /** The id to hand sandbox.reply() to reply in the thread after our answer. */
  answerTarget(answerRemoteId: string, itemRemoteId: string): string;
  /** The least wait a 429 on collection gives (LinkedIn sends no wait: the hub's own 5 minutes). */
  waitSeconds: number;
}

const CASES: Partial<Record<Platform, PlatformCase>> = {
  facebook: {
    listPath: "/comments",
    // Facebook keeps two levels: our answer sits under the top comment, from the Page.
    answersTo: (s, replyId) =>
      s.comments.filter((c) => c.data?.parentId === replyId && c.data?.fromId === "104000000000001"),
    answerTarget: (id) => id,
    waitSeconds: 900,
  },
  instagram: {
    listPath: "/comments",
    answersTo: (s, replyId) =>
      s.comments.filter((c) => c.data?.parentId === replyId && c.data?.fromId === "17841400000000001"),
    answerTarget: (id) => id,
    waitSeconds: 900,
  },
  threads: {
    listPath: "/conversation",
    answersTo: (s, replyId) => s.posts.filter((p) => p.replyTo === replyId),
    answerTarget: (id) => id,
    waitSeconds: 900,
  },
  x: {
    listPath: "/mentions",
    answersTo: (s, replyId) => s.posts.filter((p) => p.replyTo === replyId),
    answerTarget: (id) => id,
    waitSeconds: 900,
  },
  linkedin: {
    listPath: "/comments",
    answersTo: (s, replyId) =>
      s.comments.filter((c) => c.data?.parentComment === replyId && c.data?.actor === "urn:li:organization:10000001"),
    // LinkedIn nests one level: the public goes on under the comment, not under our answer.
    answerTarget: (_answer, item) => item,
    waitSeconds: 300,
  },
  telegram: {
    listPath: "getUpdates",
    answersTo: (s, replyId) => s.comments.filter((c) => c.data?.fromBot && c.data?.replyTo === replyId),
    answerTarget: (id) => id,
    waitSeconds: 900,
  },
};
const PLATFORMS = Object.keys(CASES) as Platform[];

let hub: FanoutHub;
let admin: ReturnType<typeof api>;
let ourPost: Record<string, string>;
let deferred: Promise<unknown>[] = [];

beforeAll(async () => {
  hub = await startFanoutHub({ platforms: PLATFORMS });
  admin = api(hub, hub.token);
  hub.deps.defer = (work) => {
    deferred.push(work.catch(() => {}));
  };
  // Instagram takes no post without a picture.
  const updateId = await hub.post("Vattnet är avstängt på Storgatan.", { image: IMAGE });
  await hub.drain();
  const rows = await hub.byPlatform(updateId);
  ourPost = Object.fromEntries(PLATFORMS.map((p) => [p, rows[p].remoteId as string]));
}, 60_000);
afterAll(() => hub?.close());

async function collect(ms = 5 * 60_000) {
  hub.clock.advance(ms);
  await collectDueInboxes(hub.deps);
}

async function sendAnswers() {
  await Promise.all(deferred);
  deferred = [];
  await sendDueInboxAnswers(hub.deps, "test");
}

const itemsOf = (platform: Platform) =>
  hub.deps.db
    .select()
    .from(inboxItems)
    .where(eq(inboxItems.platform, platform))
    .orderBy(inboxItems.postedAt, inboxItems.remoteId);

async function itemWith(platform: Platform, text: string) {
  const found = (await itemsOf(platform)).filter((i) => i.text.includes(text));
  expect(found, text).toHaveLength(1);
  return found[0];
}

describe.each(PLATFORMS)("%s", (platform) => {
  const c = CASES[platform] as PlatformCase;

  test("replies are collected once, tied to our post, its update and incident", async () => {
    hub.sandbox.reply(platform, { text: "Gäller det Norrby också?", author: "anna" });
    hub.sandbox.reply(platform, { text: "När kommer vattnet tillbaka?", author: "bertil" });
    await collect();
    const items = await itemsOf(platform);
    // X starts a reply with the handle it answers.
    expect(items.map((i) => i.text.replace(/^(@\S+ )+/, ""))).toEqual([
      "Gäller det Norrby också?",
      "När kommer vattnet tillbaka?",
    ]);
    const [first] = items;
    expect(first).toMatchObject({ incidentId: hub.incident.id, inReplyTo: ourPost[platform], state: "new" });
    expect(first.deliveryId).toBeTruthy();
    expect(first.authorHandle).toContain("anna");
    expect(first.url).toMatch(/^https:\/\//);
    // Asked again: nothing new, nothing twice.
    await collect();
    expect(await itemsOf(platform)).toHaveLength(2);
  });

  test("a new adapter instance (a restart) starts from the stored cursor", async () => {
    const [cursor] = await hub.deps.db
      .select()
      .from(inboxCursors)
      .where(eq(inboxCursors.accountId, hub.accountIds[platform]));
    expect(cursor.cursor).toBeTruthy();
    hub.deps.platforms = createPlatforms();
    hub.sandbox.reply(platform, { text: "Finns det en tankbil?", author: "cecilia" });
    await collect();
    expect(await itemsOf(platform)).toHaveLength(3);
    await itemWith(platform, "tankbil");
  });

  test("an answer goes out once as a reply in the thread, and is not collected back", async () => {
    const item = await itemWith(platform, "Norrby");
    const res = await admin.post(`/api/v1/inbox/${item.id}/answers`, { text: "Ja, Norrby omfattas." });
    expect(res.status, res.text).toBe(202);
    await sendAnswers();
    await sendAnswers();
    const answers = c.answersTo(hub.sandbox.state(platform), item.remoteId);
    expect(answers).toHaveLength(1);
    const [row] = await hub.deps.db.select().from(inboxAnswers).where(eq(inboxAnswers.itemId, item.id));
    expect(row).toMatchObject({ status: "published", remoteId: answers[0].id });
    expect(row.remoteUrl).toMatch(/^https:\/\//);
    const before = (await itemsOf(platform)).length;
    await collect();
    expect(await itemsOf(platform)).toHaveLength(before);

    // The public answers our answer: the item threads back to the same incident.
    const target = c.answerTarget(answers[0].id, item.remoteId);
    hub.sandbox.reply(platform, { postId: target, text: "Tack för svaret!", author: "anna" });
    await collect();
    expect((await itemWith(platform, "Tack för svaret")).incidentId).toBe(hub.incident.id);
  });

  test("a 429 pushes the account's next look back by the platform's wait; nothing is lost", async () => {
    hub.sandbox.control(platform).reset();
    hub.sandbox.control(platform).failNext({ status: 429, retryAfterSeconds: 900, match: c.listPath });
    hub.sandbox.reply(platform, { text: "Hallå?", author: "erik" });
    await collect();
    const [cursor] = await hub.deps.db
      .select()
      .from(inboxCursors)
      .where(eq(inboxCursors.accountId, hub.accountIds[platform]));
    expect(cursor.failureClass).toBe("retry");
    expect(cursor.nextPollAt.getTime() - hub.clock.now().getTime()).toBeGreaterThanOrEqual(
      c.waitSeconds * 1000 - 60_000,
    );
    expect((await itemsOf(platform)).some((i) => i.text.includes("Hallå"))).toBe(false);
    // Reset times are whole epoch seconds: a second more than asked may be due.
    await collect(c.waitSeconds * 1000 + 60_000);
    await itemWith(platform, "Hallå");
  });

  test("removal takes the comment out of view on the platform, through the removals log", async () => {
    hub.sandbox.reply(platform, { text: "Ni är idioter allihop", author: "troll" });
    await collect();
    const item = await itemWith(platform, "idioter");
    const removed = await admin.post(`/api/v1/inbox/${item.id}/remove`, { reason: "personal_attack" });
    expect(removed.status, removed.text).toBe(201);
    expect(removed.json.remote).toMatchObject({ ok: true });
    const remote = hub.sandbox.state(platform).comments.find((x) => x.id === item.remoteId);
    expect(remote?.hidden || remote?.deleted).toBe(true);
  });

  test.runIf(platform === "x")("a mention outside our posts is collected without a thread", async () => {
    hub.sandbox.reply(platform, { text: "Vet ni något om strömmen?", kind: "mention", author: "david" });
    await collect();
    const mention = await itemWith(platform, "strömmen");
    expect(mention).toMatchObject({ kind: "mention", deliveryId: null, inReplyTo: null });
  });
});

test("no credential reaches an item or an answer", async () => {
  const everything = JSON.stringify({
    items: await hub.deps.db.select().from(inboxItems),
    answers: await hub.deps.db.select().from(inboxAnswers),
    cursors: await hub.deps.db.select().from(inboxCursors),
  });
  for (const account of hub.sandbox.accounts().filter((a) => PLATFORMS.includes(a.platform))) {
    for (const secret of Object.values(account.credential)) expect(everything).not.toContain(secret);
  }
});
