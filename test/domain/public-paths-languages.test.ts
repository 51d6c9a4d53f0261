// A public change reaches every offered language: the paths a verb reports are purged under
// each language's prefix too, and WebSub subscribers of a language's feed get their push.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { websubPushes, websubSubscriptions } from "../../src/db/schema";
import { feedOfPath, feedOfTopic, feedPath, hubLinkHeader } from "../../src/domain/publishing/feed-document";
import { changedPublicPaths, localisedPublicPaths } from "../../src/domain/publishing/public-paths";
import { localisePublicChange } from "../../src/domain/publishing/public-paths-localised";
import { parseSubscriptionRequest } from "../../src/domain/publishing/websub";
import { queueWebSubPushes } from "../../src/domain/publishing/websub-push";
import { startTestHub, type TestHub } from "../helpers/hub";
import { offerLanguages } from "../helpers/languages";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

describe("public paths per language", () => {
  test("pages and feeds get a copy per language; CAP, cards and data do not", () => {
    const paths = changedPublicPaths("storm", [2]);
    const localised = localisedPublicPaths(paths, ["sv", "en", "ar"]);
    for (const language of ["en", "ar"]) {
      for (const path of ["/", "/feed.atom", "/feed.json", "/incidents/storm", "/incidents/storm/feed.rss"]) {
        expect(localised).toContain(`/${language}${path}`);
      }
      expect(localised).toContain(`/${language}/incidents/storm/updates/2`);
    }
    expect(localised.some((p) => p.includes("cap") || p.includes("embed") || p.startsWith("/sv"))).toBe(false);
    expect(localisedPublicPaths(paths, ["sv"])).toEqual([]);
  });

  test("a language's feed is a feed: its path, topic and Link header carry the prefix", () => {
    expect(feedPath({ format: "atom", language: "en" })).toBe("/en/feed.atom");
    expect(feedPath({ format: "rss", slug: "storm", language: "sv-x-lattlast" })).toBe(
      "/sv-x-lattlast/incidents/storm/feed.rss",
    );
    expect(feedOfPath("/ar/incidents/storm/feed.json")).toEqual({ format: "json", slug: "storm", language: "ar" });
    expect(feedOfPath("/feed.atom")).toEqual({ format: "atom" });
    expect(feedOfPath("/sv/feed.atom")).toBeNull();
    expect(feedOfTopic("https://kris.exempel.se", "https://kris.exempel.se/en/feed.atom")).toEqual({
      format: "atom",
      language: "en",
    });
    expect(hubLinkHeader("https://kris.exempel.se", { format: "atom", language: "en" })).toBe(
      '<https://kris.exempel.se/websub>; rel="hub", <https://kris.exempel.se/en/feed.atom>; rel="self"',
    );
  });

  test("the hub accepts a subscription to a language's feed", () => {
    const parsed = parseSubscriptionRequest(hub.deps, {
      "hub.mode": "subscribe",
      "hub.topic": "https://kris.exempel.se/en/feed.atom",
      "hub.callback": "https://prenumerant.exempel.net/cb",
    });
    expect("errors" in parsed ? parsed.errors : []).toEqual([]);
  });

  test("a change queues pushes to the subscribers of the language's feeds, once languages are offered", async () => {
    const now = hub.clock.now();
    const later = new Date(now.getTime() + 86_400_000);
    await hub.deps.db.insert(websubSubscriptions).values({
      topic: "https://kris.exempel.se/en/feed.atom",
      callback: "https://prenumerant.exempel.net/cb",
      leaseSeconds: 86_400,
      expiresAt: later,
      createdAt: now,
      updatedAt: now,
    });
    const paths = changedPublicPaths("storm", [1]);
    expect(await localisePublicChange(hub.deps, paths)).toEqual([]);
    await offerLanguages(hub, ["sv", "en"]);
    const localised = await localisePublicChange(hub.deps, paths);
    expect(localised).toContain("/en/feed.atom");
    expect(await queueWebSubPushes(hub.deps, localised)).toBe(1);
    expect(await hub.deps.db.select().from(websubPushes)).toHaveLength(1);
  });
});
