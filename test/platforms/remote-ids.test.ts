// Third-party ids go into request URLs: each adapter refuses one that is not its platform's
// (an `invalid` failure, no request sent), and Graph paths are percent-encoded segment by segment.
import { describe, expect, test } from "vitest";
import { graphUrl } from "../../src/platforms/graph";
import { createPlatforms } from "../../src/platforms/index";
import { isRemoteId } from "../../src/platforms/remote-ids";
import type { AdapterContext, Composed, Platform } from "../../src/platforms/types";

const platforms = createPlatforms({ sleep: async () => {} });

function ctxFor(platform: Platform, sent: string[]): AdapterContext {
  return {
    account: {
      id: "acc",
      platform,
      handle: "exempel",
      baseUrl: "http://127.0.0.1:9",
      options: {
        pageId: "1",
        igUserId: "1",
        threadsUserId: "1",
        organizationUrn: "urn:li:organization:1",
        chatId: "-1",
      },
    },
    credential: { accessToken: "t", pageAccessToken: "t", botToken: "1:t", identifier: "x", password: "p" },
    send: async (url) => {
      sent.push(url);
      throw new Error("no request may be sent for a bad id");
    },
    now: () => new Date("2026-03-01T10:00:00Z"),
  };
}

const composed: Composed = { text: "x", length: 1, limit: 500, fits: true, shortened: false, payload: { text: "x" } };
const SMUGGLED = "104000000000001/feed?message=FALSKT&link=https%3A%2F%2Fevil.example";

describe("remote ids", () => {
  test.each([
    ["facebook", "104000000000001_5000001", "123/feed"],
    ["instagram", "17895695668004550", "1?fields=x"],
    ["threads", "1", "1#x"],
    ["mastodon", "109372843234", "1/../../accounts"],
    ["linkedin", "urn:li:share:6844785523593134080", "urn:li:share:1?x=y"],
    ["x", "1460323737035677698", "abc"],
    ["telegram", "42", "42/../x"],
    ["bluesky", "at://did:plc:abc123/app.bsky.feed.post/3k2la3b", "at://did:plc:a/app.bsky.feed.post/../x?y"],
  ] as const)("%s: takes %s, refuses %s", (platform, good, bad) => {
    expect(isRemoteId(platform, good)).toBe(true);
    expect(isRemoteId(platform, bad)).toBe(false);
    expect(isRemoteId(platform, SMUGGLED)).toBe(false);
  });

  // Instagram offers no edit, delete or comment removal through its API: it takes no ids.
  const takingIds = (Object.keys(platforms) as Platform[]).filter((p) => p !== "instagram");
  test.each(takingIds)("%s refuses a smuggled id without sending anything", async (p) => {
    const adapter = platforms[p];
    const sent: string[] = [];
    const calls = [
      adapter.retract?.(ctxFor(p, sent), SMUGGLED),
      adapter.edit?.(ctxFor(p, sent), SMUGGLED, composed),
      adapter.removeComment?.(ctxFor(p, sent), SMUGGLED),
    ].filter(Boolean);
    expect(calls.length).toBeGreaterThan(0);
    for (const result of await Promise.all(calls)) expect(result).toMatchObject({ ok: false, class: "invalid" });
    expect(sent).toEqual([]);
  });

  test("graph paths are percent-encoded, so an id cannot reach the query string", () => {
    const url = new URL(graphUrl("https://graph.example", "v21.0", "1?message=x&link=y/feed", { fields: "id" }));
    expect(url.pathname).toBe("/v21.0/1%3Fmessage%3Dx%26link%3Dy/feed");
    expect([...url.searchParams.keys()]).toEqual(["fields"]);
  });
});
