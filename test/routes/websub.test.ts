import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { websubPushes, websubSubscriptions } from "../../src/db/schema";
import { PUSH_TIMEOUT_MS, queueWebSubPushes, sendDueWebSubPushes } from "../../src/domain/publishing/websub-push";
import { api, startTestHub, type TestHub } from "../helpers/hub";

const TOPIC = "https://kris.exempel.se/feed.atom";
const SECRET = "ett-hemligt-värde";

/** A WebSub subscriber: answers the challenge (unless told not to) and records every push. */
interface Received {
  method: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
let server: Server;
let callback: string;
const received: Received[] = [];
const behaviour = { echo: true, pushStatus: 200 };

let hub: TestHub;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      received.push({ method: req.method ?? "", query: url.searchParams, headers: req.headers, body });
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(behaviour.echo ? url.searchParams.get("hub.challenge") : "nej");
        return;
      }
      res.writeHead(behaviour.pushStatus);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/websub-callback?feed=atom`;
  hub = await startTestHub({ env: { KRISKANAL_WEBSUB_ALLOW_PRIVATE: "1" } });
});
afterAll(async () => {
  await hub.close();
  await new Promise((resolve) => server.close(resolve));
});

function subscribe(fields: Record<string, string>) {
  return hub.app.request(
    "/websub",
    {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    },
    { deps: hub.deps },
  );
}

const subscriptions = () => hub.deps.db.select().from(websubSubscriptions);
const pushesReceived = () => received.filter((r) => r.method === "POST");

async function postUpdate(incidentId: string, body: string) {
  const res = await api(hub, hub.token).post(`/api/v1/incidents/${incidentId}/updates`, { body });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

describe("feeds advertise the hub", () => {
  test("in the Link header and in Atom, RSS and JSON Feed", async () => {
    const get = (path: string) => hub.app.request(path, {}, { deps: hub.deps });
    for (const format of ["atom", "rss", "json"]) {
      const res = await get(`/feed.${format}`);
      expect(res.headers.get("link")).toBe(
        `<https://kris.exempel.se/websub>; rel="hub", <https://kris.exempel.se/feed.${format}>; rel="self"`,
      );
    }
    expect(await (await get("/feed.atom")).text()).toContain('<link rel="hub" href="https://kris.exempel.se/websub"/>');
    const rss = await (await get("/feed.rss")).text();
    expect(rss).toContain('<atom:link rel="hub" href="https://kris.exempel.se/websub"/>');
    expect(rss).toContain('<atom:link rel="self" type="application/rss+xml" href="https://kris.exempel.se/feed.rss"/>');
    expect((await (await get("/feed.json")).json()).hubs).toEqual([
      { type: "WebSub", url: "https://kris.exempel.se/websub" },
    ]);
  });
});

describe("the WebSub hub", () => {
  let incidentId: string;

  test("a bad topic, callback or secret is a 400 naming the field, and nothing is verified or stored", async () => {
    const before = received.length;
    const badTopic = await subscribe({
      "hub.mode": "subscribe",
      "hub.topic": "https://annan.example/feed.atom",
      "hub.callback": callback,
    });
    expect(badTopic.status).toBe(400);
    expect(await badTopic.text()).toContain("hub.topic");
    const badMode = await subscribe({ "hub.mode": "publish", "hub.topic": TOPIC, "hub.callback": callback });
    expect(await badMode.text()).toContain("hub.mode");
    const longSecret = await subscribe({
      "hub.mode": "subscribe",
      "hub.topic": TOPIC,
      "hub.callback": callback,
      "hub.secret": "x".repeat(200),
    });
    expect(longSecret.status).toBe(400);
    expect(await longSecret.text()).toContain("hub.secret");
    expect(received.length).toBe(before);
    expect(await subscriptions()).toEqual([]);
  });

  test("a callback on a loopback or private address is refused unless allowed", async () => {
    hub.deps.config.websubAllowPrivate = false;
    try {
      for (const address of [
        callback,
        "http://localhost:9/x",
        "http://[::1]/x",
        "http://10.1.2.3/x",
        "http://2130706433/x",
      ]) {
        const res = await subscribe({ "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": address });
        expect(res.status, address).toBe(400);
        expect(await res.text()).toContain("hub.callback must not be on a loopback or private address");
      }
    } finally {
      hub.deps.config.websubAllowPrivate = true;
    }
    expect(await subscriptions()).toEqual([]);
  });

  test("a callback that does not echo the challenge is not subscribed", async () => {
    behaviour.echo = false;
    try {
      expect((await subscribe({ "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": callback })).status).toBe(
        202,
      );
      await vi.waitFor(() => expect(received.filter((r) => r.method === "GET").length).toBe(1));
      await vi.waitFor(() => expect(hub.logLines.join("\n")).toContain("did not confirm its intent"));
    } finally {
      behaviour.echo = true;
    }
    expect(await subscriptions()).toEqual([]);
  });

  test("subscribe: verified with a GET, stored with its lease and a sealed secret", async () => {
    received.length = 0;
    const res = await subscribe({
      "hub.mode": "subscribe",
      "hub.topic": TOPIC,
      "hub.callback": callback,
      "hub.lease_seconds": "3600",
      "hub.secret": SECRET,
    });
    expect(res.status).toBe(202);
    await vi.waitFor(async () => expect(await subscriptions()).toHaveLength(1));
    const [verification] = received;
    expect(verification.method).toBe("GET");
    expect(verification.query.get("feed")).toBe("atom");
    expect(verification.query.get("hub.mode")).toBe("subscribe");
    expect(verification.query.get("hub.topic")).toBe(TOPIC);
    expect(verification.query.get("hub.lease_seconds")).toBe("3600");
    const [row] = await subscriptions();
    expect(row.expiresAt.getTime()).toBe(hub.clock.now().getTime() + 3_600_000);
    expect(row.secretSealed).toBeTruthy();
    expect(row.secretSealed).not.toContain(SECRET);
  });

  test("a publish pushes the new feed, signed with the secret and with the Link headers", async () => {
    incidentId = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Översvämning", severity: "major" }))
      .json.id;
    await postUpdate(incidentId, "Vattnet stiger vid ån.");
    await vi.waitFor(() => expect(pushesReceived().some((p) => p.body.includes("Vattnet stiger vid ån."))).toBe(true));
    const push = pushesReceived().find((p) => p.body.includes("Vattnet stiger vid ån.")) as Received;
    expect(push.headers["content-type"]).toBe("application/atom+xml; charset=utf-8");
    expect(push.headers.link).toBe(`<https://kris.exempel.se/websub>; rel="hub", <${TOPIC}>; rel="self"`);
    const expected = createHmac("sha256", SECRET).update(push.body).digest("hex");
    expect(push.headers["x-hub-signature"]).toBe(`sha256=${expected}`);
    // The document pushed is the one a reader fetching the topic gets.
    expect(push.body).toBe(await (await hub.app.request("/feed.atom", {}, { deps: hub.deps })).text());
  });

  test("a push the callback answers with 500 is retried after a backoff", async () => {
    behaviour.pushStatus = 500;
    const before = pushesReceived().length;
    await postUpdate(incidentId, "Sandsäckar finns vid skolan.");
    await vi.waitFor(async () => {
      const [row] = await hub.deps.db.select().from(websubPushes).where(eq(websubPushes.status, "pending"));
      expect(row?.message).toBe("HTTP 500");
    });
    expect(pushesReceived().length).toBe(before + 1);
    behaviour.pushStatus = 200;
    // Not yet due: nothing is sent before the backoff has passed.
    expect(await sendDueWebSubPushes(hub.deps, "test")).toEqual({ sent: 0, failed: 0 });
    hub.clock.advance(5 * 60_000);
    expect(await sendDueWebSubPushes(hub.deps, "test")).toEqual({ sent: 1, failed: 0 });
    const last = pushesReceived().at(-1) as Received;
    expect(last.body).toContain("Sandsäckar finns vid skolan.");
    const rows = await hub.deps.db.select().from(websubPushes);
    expect(rows.every((r) => r.status === "delivered")).toBe(true);
    expect(rows.find((r) => r.attempts === 2)).toBeTruthy();
  });

  test("unsubscribe: verified, removed, and no further pushes", async () => {
    received.length = 0;
    expect((await subscribe({ "hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.callback": callback })).status).toBe(
      202,
    );
    await vi.waitFor(async () => expect(await subscriptions()).toEqual([]));
    expect(received[0].query.get("hub.mode")).toBe("unsubscribe");
    expect(await queueWebSubPushes(hub.deps, ["/feed.atom"])).toBe(0);
  });

  test("a subscription ends when its lease runs out", async () => {
    await subscribe({
      "hub.mode": "subscribe",
      "hub.topic": TOPIC,
      "hub.callback": callback,
      "hub.lease_seconds": "60",
    });
    await vi.waitFor(async () => expect(await subscriptions()).toHaveLength(1));
    expect(await queueWebSubPushes(hub.deps, ["/feed.atom"])).toBe(1);
    await sendDueWebSubPushes(hub.deps, "test");
    hub.clock.advance(61_000);
    expect(await queueWebSubPushes(hub.deps, ["/feed.atom", "/feed.rss"])).toBe(0);
    await sendDueWebSubPushes(hub.deps, "test");
    expect(await subscriptions()).toEqual([]);
  });
});

describe("pushes behind slow callbacks", () => {
  test("no push is sent without a lease that outlasts its timeout, and none twice", async () => {
    const now = hub.clock.now();
    const callbacks = Array.from({ length: 5 }, (_, i) => `${callback}&reader=${i}`);
    await hub.deps.db.insert(websubSubscriptions).values(
      callbacks.map((c) => ({
        topic: TOPIC,
        callback: c,
        leaseSeconds: 86_400,
        expiresAt: new Date(now.getTime() + 86_400_000),
        createdAt: now,
        updatedAt: now,
      })),
    );
    expect(await queueWebSubPushes(hub.deps, ["/feed.atom"])).toBe(5);
    received.length = 0;
    const shortLeases: string[] = [];
    let quick: { sent: number; failed: number } | undefined;
    // Every callback the slow sender calls answers just before the timeout; meanwhile another
    // sender runs, as another process's pass would.
    const slowFetch: typeof fetch = async (input, init) => {
      const at = hub.clock.now().getTime();
      const held = await hub.deps.db.select().from(websubPushes).where(eq(websubPushes.leaseOwner, "slow"));
      for (const row of held) {
        if ((row.leaseUntil?.getTime() ?? 0) - at < PUSH_TIMEOUT_MS) shortLeases.push(row.id);
      }
      hub.clock.advance(PUSH_TIMEOUT_MS - 1);
      const other = await sendDueWebSubPushes(hub.deps, "quick");
      quick = { sent: (quick?.sent ?? 0) + other.sent, failed: (quick?.failed ?? 0) + other.failed };
      return hub.deps.fetch(input, init);
    };
    const slow = await sendDueWebSubPushes({ ...hub.deps, fetch: slowFetch }, "slow");
    expect(shortLeases).toEqual([]);
    const pushed = pushesReceived().map((p) => p.query.get("reader"));
    expect(pushed.sort()).toEqual(["0", "1", "2", "3", "4"]);
    expect(slow.sent + (quick?.sent ?? 0)).toBe(5);
    const rows = await hub.deps.db.select().from(websubPushes).where(eq(websubPushes.status, "delivered"));
    expect(rows.filter((r) => r.attempts === 1)).toHaveLength(5);
  });
});
