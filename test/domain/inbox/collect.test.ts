// Collecting the public's replies from the stand-ins: each reply once, tied to the post it
// answers and its incident, incrementally across restarts, and a 429 honoured.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inboxCursors, inboxItems } from "../../../src/db/schema";
import { collectDueInboxes, INBOX_POLL_MS } from "../../../src/domain/inbox/collect";
import { createPlatforms } from "../../../src/platforms/index";
import type { Platform } from "../../../src/platforms/types";
import { type FanoutHub, startFanoutHub } from "../../dispatcher/fanout-hub";

const COLLECTING: Platform[] = ["mastodon", "bluesky"];
let hub: FanoutHub;
let firstPost: Record<string, string>;

beforeAll(async () => {
  hub = await startFanoutHub({ platforms: COLLECTING });
  const updateId = await hub.post("Vattnet är avstängt på Storgatan.");
  await hub.drain();
  const rows = await hub.byPlatform(updateId);
  firstPost = Object.fromEntries(COLLECTING.map((p) => [p, rows[p].remoteId as string]));
});
afterAll(() => hub.close());

const itemsOf = (platform: Platform) =>
  hub.deps.db
    .select()
    .from(inboxItems)
    .where(eq(inboxItems.platform, platform))
    .orderBy(inboxItems.postedAt, inboxItems.remoteId);

describe.each(COLLECTING)("%s", (platform) => {
  test("replies are collected once, tied to the post, its update and incident, with a deadline", async () => {
    hub.sandbox.reply(platform, { text: "Gäller det Norrby också?", author: "anna" });
    hub.sandbox.reply(platform, { text: "När kommer vattnet tillbaka?", author: "bertil" });
    hub.clock.advance(INBOX_POLL_MS);
    await collectDueInboxes(hub.deps);
    const items = await itemsOf(platform);
    expect(items.map((i) => i.text.replace(/^@\S+ /, ""))).toEqual([
      "Gäller det Norrby också?",
      "När kommer vattnet tillbaka?",
    ]);
    const [first] = items;
    expect(first.incidentId).toBe(hub.incident.id);
    expect(first.inReplyTo).toBe(firstPost[platform]);
    expect(first.deliveryId).toBeTruthy();
    expect(first.authorHandle).toMatch(/^@anna/);
    expect(first.state).toBe("new");
    expect(first.url).toMatch(/^https:\/\//);
    // The incident is active: 60 minutes by the default rule.
    expect(first.deadlineAt.getTime() - first.postedAt.getTime()).toBe(60 * 60_000);

    // Asked again at once: nothing new, nothing twice.
    hub.clock.advance(INBOX_POLL_MS);
    await collectDueInboxes(hub.deps);
    expect(await itemsOf(platform)).toHaveLength(2);
  });

  test("a new adapter instance (a restart) starts from the stored cursor and stores only what is new", async () => {
    hub.deps.platforms = createPlatforms();
    hub.sandbox.reply(platform, { text: "Finns det en tankbil?", author: "cecilia" });
    hub.clock.advance(INBOX_POLL_MS);
    await collectDueInboxes(hub.deps);
    const items = await itemsOf(platform);
    expect(items).toHaveLength(3);
    expect(items.filter((i) => i.text.includes("tankbil"))).toHaveLength(1);
  });

  test("a mention outside our posts is collected without a thread", async () => {
    hub.sandbox.reply(platform, { text: "Vet ni något om strömmen?", kind: "mention", author: "david" });
    hub.clock.advance(INBOX_POLL_MS);
    await collectDueInboxes(hub.deps);
    const mention = (await itemsOf(platform)).find((i) => i.text.includes("strömmen"));
    expect(mention?.kind).toBe("mention");
    expect(mention?.deliveryId).toBeNull();
  });

  test("a 429 pushes the account's next look back by the platform's wait; nothing is lost", async () => {
    hub.sandbox.control(platform).reset();
    hub.sandbox.control(platform).failNext({ status: 429, retryAfterSeconds: 900, match: "otification" });
    hub.sandbox.reply(platform, { text: "Hallå?", author: "erik" });
    hub.clock.advance(INBOX_POLL_MS);
    await collectDueInboxes(hub.deps);
    const [cursor] = await hub.deps.db
      .select()
      .from(inboxCursors)
      .where(eq(inboxCursors.accountId, hub.accountIds[platform]));
    expect(cursor.failureClass).toBe("retry");
    expect(cursor.nextPollAt.getTime() - hub.clock.now().getTime()).toBeGreaterThanOrEqual(900_000);
    expect((await itemsOf(platform)).some((i) => i.text.includes("Hallå"))).toBe(false);
    hub.clock.advance(900_000);
    await collectDueInboxes(hub.deps);
    expect((await itemsOf(platform)).filter((i) => i.text.includes("Hallå"))).toHaveLength(1);
  });
});

test("no credential reaches an item", async () => {
  const all = JSON.stringify(await hub.deps.db.select().from(inboxItems));
  expect(all).not.toContain("sandbox-mastodon-token");
  expect(all).not.toContain("sbx1-sbx2");
  expect(all).not.toContain("sbx-access");
});
