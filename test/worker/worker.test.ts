// Kriskanal on Cloudflare Workers, in workerd against the real PostgreSQL: the API, the public
// pages and feeds through the edge cache, the queue consumer and the cron sweep.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { SWEEP_CRON } from "../../src/workers/cron";
import { EDGE_HEADER } from "../../src/workers/edge-cache";
import { must } from "../helpers/must";
import { PUBLIC_URL, startWorkerHarness, type WorkerHarness, waitFor } from "./harness";

let h: WorkerHarness;
let incident: { id: string; slug: string };

beforeAll(async () => {
  h = await startWorkerHarness();
  const telegram = must(
    h.sandbox.accounts().find((a) => a.platform === "telegram"),
    "the sandbox's Telegram account",
  );
  const registered = await h.api("POST", "/accounts", { ...telegram, sandbox: true });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  const opened = await h.api("POST", "/incidents", { title: "Vattenläcka i centrum", severity: "major" });
  expect(opened.status, JSON.stringify(opened.json)).toBe(201);
  incident = opened.json;
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const telegramPostsLinking = (permalink: string) =>
  h.sandbox.state("telegram").posts.filter((p) => p.text.includes(permalink) && !p.deleted);

async function deliveryOf(updateId: string) {
  const res = await h.api("GET", `/updates/${updateId}/deliveries`);
  expect(res.status).toBe(200);
  expect(res.json.deliveries).toHaveLength(1);
  return res.json.deliveries[0];
}

function publish(body: string) {
  return h.api("POST", `/incidents/${incident.id}/updates`, { body });
}

describe("Kriskanal in workerd", () => {
  test("a publish through the API shows on the public page and feed, which the edge serves with ETags", async () => {
    const page = `/incidents/${incident.slug}`;
    const first = await h.get(page);
    expect(first.status).toBe(200);
    expect(first.headers.get(EDGE_HEADER)).toBe("miss");
    const etag = must(first.headers.get("etag"), "an ETag");
    expect(etag).toMatch(/^"\d+-[0-9a-f]{16}"$/);
    expect(first.headers.get("cache-control")).toContain("public, max-age=");
    await first.text();
    await waitFor("the page in the edge cache", async () => {
      const again = await h.get(page);
      await again.text();
      return again.headers.get(EDGE_HEADER) === "hit" ? true : undefined;
    });
    const unchanged = await h.get(page, { "if-none-match": etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get("etag")).toBe(etag);

    const posted = await publish("Drick inte kranvattnet i centrum förrän vi meddelar annat.");
    expect(posted.status, JSON.stringify(posted.json)).toBe(201);
    expect(posted.json.url).toBe(`${PUBLIC_URL}${page}/updates/1`);

    // The publish purged the edge copy: the next read is the new page, not the cached one.
    const fresh = await h.get(page, { "if-none-match": etag });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("etag")).not.toBe(etag);
    expect(await fresh.text()).toContain("Drick inte kranvattnet i centrum");

    const feed = await h.get("/feed.atom");
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toContain("application/atom+xml");
    const xml = await feed.text();
    expect(xml).toContain(`<id>${PUBLIC_URL}${page}/updates/1</id>`);
    expect(xml).toContain("Drick inte kranvattnet i centrum");
    const feedAgain = await h.get("/feed.atom", { "if-none-match": must(feed.headers.get("etag"), "the feed's ETag") });
    expect(feedAgain.status).toBe(304);

    const permalink = await h.get(`${page}/updates/1`);
    expect(permalink.status).toBe(200);
    expect(await permalink.text()).toContain("Drick inte kranvattnet i centrum");
  });

  test("the queue consumer delivers to the platform and records the result", async () => {
    const posted = await publish("Vattnet är avstängt på Storgatan mellan 10 och 14.");
    expect(posted.status).toBe(201);
    const delivery = await waitFor(
      "the delivery to be published",
      async () => {
        const d = await deliveryOf(posted.json.id);
        return d.status === "published" ? d : undefined;
      },
      () => deliveryOf(posted.json.id),
    );
    const posts = telegramPostsLinking(posted.json.url);
    expect(posts).toHaveLength(1);
    expect(posts[0].text).toContain("Vattnet är avstängt på Storgatan");
    expect(delivery.remoteId).toBe(posts[0].id);
    expect(delivery.remoteUrl).toBe(posts[0].url);
    expect(delivery.attempts).toBe(1);
  });

  test("a delivery that meets a 503 is retried through the queue and lands once", async () => {
    h.sandbox.control("telegram").failNext({ status: 503, headers: { "retry-after": "1" }, match: "sendMessage" });
    const posted = await publish("Tankbilar står vid torget från klockan 12.");
    expect(posted.status).toBe(201);
    const delivery = await waitFor(
      "the retried delivery to be published",
      async () => {
        const d = await deliveryOf(posted.json.id);
        return d.status === "published" ? d : undefined;
      },
      async () => ({ delivery: await deliveryOf(posted.json.id), telegram: h.sandbox.state("telegram").requests }),
    );
    expect(delivery.attempts).toBe(2);
    expect(telegramPostsLinking(posted.json.url)).toHaveLength(1);
    const audit = await h.api("GET", "/audit?action=delivery.retry_scheduled");
    expect(audit.status).toBe(200);
    expect(audit.json.entries.map((e: { entityId: string }) => e.entityId)).toContain(delivery.id);
  });

  test("the cron sweep sends a delivery the queue did not", async () => {
    // Paused behind the API's back, so resuming sends no queue message: only the sweep can send it.
    await h.database.db.execute(sql`update organisations set deliveries_paused_at = now()`);
    const posted = await publish("Nästa besked kommer klockan 16.");
    expect(posted.status).toBe(201);
    expect((await deliveryOf(posted.json.id)).status).toBe("pending");
    await h.database.db.execute(sql`update organisations set deliveries_paused_at = null`);
    const swept = await h.worker.triggerCron(SWEEP_CRON);
    expect(swept.status).toBe(200);
    // The scheduled handler returns once the sweep has recorded what it sent.
    const delivery = await deliveryOf(posted.json.id);
    expect(delivery.status).toBe("published");
    expect(telegramPostsLinking(posted.json.url)).toHaveLength(1);
  });

  test("staff sign in with a password hashed in workerd, where WebAssembly cannot be compiled", async () => {
    const created = await h.api("POST", "/people", {
      name: "Eva Ek",
      email: "eva.ek@exempelkommun.se",
      role: "communicator",
      password: "ett långt lösenord 2026",
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const form = await h.get("/staff/login");
    expect(form.status).toBe(200);
    const loginCookie = (form.headers.get("set-cookie") ?? "").split(";")[0];
    const csrf = must(/name="_csrf" value="([^"]+)"/.exec(await form.text()), "the login form's CSRF field")[1];
    expect(loginCookie).toBeTruthy();
    const signedIn = await fetch(`${h.worker.url}/staff/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: loginCookie },
      body: new URLSearchParams({
        email: "eva.ek@exempelkommun.se",
        password: "ett långt lösenord 2026",
        _csrf: csrf,
      }),
    });
    expect(signedIn.status).toBe(303);
    const session = must(
      signedIn.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .find((c) => /session/i.test(c)),
      "a session cookie",
    );
    const home = await h.get("/staff", { cookie: session });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Eva Ek");
  }, 60_000);

  // Last: it adds an X account, so every later update would have two deliveries.
  test("a message whose attempt is in doubt is settled by the lookup through the queue, not posted again", async () => {
    const x = must(
      h.sandbox.accounts().find((a) => a.platform === "x"),
      "the sandbox's X account",
    );
    const registered = await h.api("POST", "/accounts", { ...x, sandbox: true });
    expect(registered.status, JSON.stringify(registered.json)).toBe(201);
    // X stores the post but never answers; then the first lookup cannot ask (503).
    h.sandbox.control("x").hang({ afterHandling: true, match: "/2/tweets" });
    h.sandbox.control("x").failNext({ status: 503, match: "/2/users/" });
    const posted = await publish("Räddningstjänsten släcker branden vid hamnen.");
    expect(posted.status).toBe(201);
    const ofX = async () => {
      const res = await h.api("GET", `/updates/${posted.json.id}/deliveries`);
      return res.json.deliveries.find((d: { accountId: string }) => d.accountId === registered.json.id);
    };
    const delivery = await waitFor(
      "the delivery in doubt to be settled",
      async () => {
        const d = await ofX();
        return d.status === "published" || d.status === "failed" ? d : undefined;
      },
      ofX,
      60_000,
    );
    expect(delivery).toMatchObject({ status: "published", attempts: 3 });
    expect(delivery.message).toContain("fanns redan");
    expect(delivery.checks.map((c: { answer: string }) => c.answer)).toEqual(["unknown", "found"]);
    const posts = h.sandbox.state("x").posts.filter((p) => p.text.includes(posted.json.url) && !p.deleted);
    expect(posts).toHaveLength(1);
    expect(delivery.remoteId).toBe(posts[0].id);
  }, 90_000);

  test("the public pages in another offered language, with lang, dir and the translation", async () => {
    const offered = await h.api("PATCH", "/organisation", { languages: ["sv", "en", "ar"] });
    expect(offered.status, JSON.stringify(offered.json)).toBe(200);
    const posted = await publish("Vattnet är tillbaka i centrum.");
    expect(posted.status).toBe(201);
    const translated = await h.api("PUT", `/updates/${posted.json.id}/translations/en`, {
      body: "The water is back in the town centre.",
    });
    expect(translated.status, JSON.stringify(translated.json)).toBe(201);
    const english = await h.get(`/en/incidents/${incident.slug}`);
    expect(english.status).toBe(200);
    const page = await english.text();
    expect(page).toMatch(/<html lang="en"/);
    expect(page).toContain("The water is back in the town centre.");
    expect(page).toContain('hreflang="ar"');
    const arabic = await h.get(`/ar/incidents/${incident.slug}`);
    expect(arabic.status).toBe(200);
    // No Arabic text yet: the Swedish one, marked as Swedish, on a right-to-left page.
    const rtl = await arabic.text();
    expect(rtl).toMatch(/<html lang="ar" dir="rtl"/);
    expect(rtl).toContain("Vattnet är tillbaka i centrum.");
    const feed = await h.get("/en/feed.atom");
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('xml:lang="en"');
  });

  test("the cron collects the public's replies into the inbox", async () => {
    const posted = await publish("Frågor om vattnet besvaras här.");
    expect(posted.status).toBe(201);
    const accounts = (await h.api("GET", "/accounts")).json.accounts as { id: string; platform: string }[];
    const telegramId = must(
      accounts.find((a) => a.platform === "telegram"),
      "the Telegram account",
    ).id;
    const delivery = await waitFor("the post on Telegram", async () => {
      const res = await h.api("GET", `/updates/${posted.json.id}/deliveries`);
      const d = res.json.deliveries.find((x: { accountId: string }) => x.accountId === telegramId);
      return d?.status === "published" ? d : undefined;
    });
    h.sandbox.reply("telegram", { postId: delivery.remoteId, text: "Gäller det Norra staden också?", author: "anna" });
    await h.database.db.execute(sql`update inbox_cursors set next_poll_at = '1970-01-01T00:00:00Z'`);
    const swept = await h.worker.triggerCron(SWEEP_CRON);
    expect(swept.status).toBe(200);
    const inbox = await waitFor("the reply in the inbox", async () => {
      const res = await h.api("GET", "/inbox");
      const item = res.json.items?.find((i: { text: string }) => i.text.includes("Norra staden"));
      if (!item) await h.worker.triggerCron(SWEEP_CRON);
      return item;
    });
    expect(inbox).toMatchObject({ platform: "telegram", incident: { id: incident.id } });
  }, 90_000);
});
