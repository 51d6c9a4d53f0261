// An update's page links to its published copies in the channels ("Delad i"), ordered by
// platform and handle; copies not yet published, or without an address, are not linked.
import { afterAll, beforeAll, expect, test } from "vitest";
import { addAccount, markPublished } from "../archive/records-fixtures";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
let slug: string;

beforeAll(async () => {
  hub = await startTestHub();
  await addAccount(hub, { platform: "mastodon", handle: "zeta" });
  await addAccount(hub, { platform: "mastodon", handle: "alfa" });
  await addAccount(hub, { platform: "bluesky", handle: "mitt" });
  await addAccount(hub, { platform: "facebook", handle: "ovantad" });
  const admin = api(hub, hub.token);
  const incident = (await admin.post("/api/v1/incidents", { title: "Storm", severity: "major" })).json;
  slug = incident.slug;
  const posted = (await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Första beskedet." })).json;
  for (const delivery of posted.deliveries as { id: string; handle?: string; account?: { handle: string } }[]) {
    const handle = delivery.handle ?? delivery.account?.handle;
    if (handle !== "ovantad") await markPublished(hub, delivery.id, `post-${handle}`);
  }
  hub.deps.publicCache.clear();
});
afterAll(() => hub.close());

test("the update's page links its published copies, by platform and handle", async () => {
  const page = (await api(hub).get(`/incidents/${slug}/updates/1`)).text;
  const shared = /Delad i:(.*?)<\/p>/s.exec(page)?.[1] ?? "";
  const links = [...shared.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
  expect(links).toEqual([
    "https://social.example/posts/post-mitt",
    "https://social.example/posts/post-alfa",
    "https://social.example/posts/post-zeta",
  ]);
});
