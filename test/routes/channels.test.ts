import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts } from "../../src/db/schema";
import { bumpPublicRevision } from "../../src/domain/publishing/organisation";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  hub.app.request(path, { headers }, { deps: hub.deps });
const editors = [
  { name: "Anna Andersson", email: "anna.andersson@exempel.se", role: "editor" },
  { name: "Bo Berg", email: "bo.berg@exempel.se", role: "deputy" },
];

describe("the public channel list", () => {
  test("with no accounts it says so, and is linked from every public page", async () => {
    const res = await get("/channels");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain("<h1>Våra officiella kanaler</h1>");
    expect(html).toContain("Inga officiella kanaler är registrerade just nu.");
    expect((await (await get("/channels.json")).json()).departments).toEqual([]);

    const incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Strömavbrott", severity: "minor" }))
      .json;
    await api(hub, hub.token).post(`/api/v1/incidents/${incident.id}/updates`, { body: "Strömmen är borta." });
    for (const path of ["/", `/incidents/${incident.slug}`, `/incidents/${incident.slug}/updates/1`, "/channels"]) {
      expect(await (await get(path)).text(), path).toContain('href="https://kris.exempel.se/channels"');
    }
  });

  test("lists every active account by department with platform, handle, purpose and link; nothing internal", async () => {
    const admin = api(hub, hub.token);
    const school = (await admin.post("/api/v1/departments", { name: "Barn- och utbildning" })).json;
    const rescue = (await admin.post("/api/v1/departments", { name: "Räddningstjänsten" })).json;
    const register = async (body: Record<string, unknown>) => {
      const res = await admin.post("/api/v1/accounts", body);
      expect(res.status, res.text).toBe(201);
      return res.json;
    };
    await register({
      platform: "facebook",
      handle: "Exempelkommun",
      options: { pageId: "104000000000001" },
      publicUrl: "https://www.facebook.com/exempelkommun",
      purpose: "Kommunens nyheter & krisinformation <officiell>.",
      editors,
      credential: {
        pageAccessToken: "page-token-not-for-the-public",
        userAccessToken: "user-token-not-for-the-public",
      },
    });
    await register({
      platform: "instagram",
      handle: "exempelskolan",
      departmentId: school.id,
      options: { igUserId: "17841400000000001" },
      publicUrl: "https://www.instagram.com/exempelskolan",
      purpose: "Bilder från skolorna.",
      credential: { accessToken: "instagram-token-not-for-the-public" },
    });
    await register({
      platform: "x",
      handle: "exempel_rtj",
      departmentId: rescue.id,
      publicUrl: "https://x.com/exempel_rtj",
      purpose: "Pågående räddningsinsatser.",
      credential: { accessToken: "x-token-not-for-the-public" },
    });
    await register({
      platform: "mastodon",
      handle: "nedlagd",
      departmentId: rescue.id,
      status: "closed",
      credential: { accessToken: "mastodon-token-not-for-the-public" },
    });

    const res = await get("/channels");
    const html = await res.text();
    expect(res.headers.get("etag")).toBeTruthy();
    expect(res.headers.get("cache-control")).toContain("stale-while-revalidate");
    const wide = html.indexOf("Kommungemensamma kanaler");
    const schoolAt = html.indexOf("<h2", html.indexOf("Barn- och utbildning") - 80);
    const rescueAt = html.indexOf("Räddningstjänsten");
    expect(wide).toBeGreaterThan(0);
    expect(wide).toBeLessThan(schoolAt);
    expect(schoolAt).toBeLessThan(rescueAt);
    expect(html).toContain('<a href="https://www.facebook.com/exempelkommun">Exempelkommun</a>');
    expect(html).toContain('<a href="https://x.com/exempel_rtj">@exempel_rtj</a>');
    expect(html).toContain("<strong>Instagram:</strong>");
    expect(html).toContain("Kommunens nyheter &amp; krisinformation &lt;officiell&gt;.");
    expect(html).not.toContain("<officiell>");
    expect(html).not.toContain("nedlagd");
    expect(html).not.toContain("anna.andersson@exempel.se");
    expect(html).not.toContain("not-for-the-public");

    const json = await (await get("/channels.json")).json();
    expect(json.organisation).toBe("Exempelkommun");
    expect(json.url).toBe("https://kris.exempel.se/channels");
    expect(json.departments.map((d: { name: string }) => d.name)).toEqual([
      "Kommungemensamma kanaler",
      "Barn- och utbildning",
      "Räddningstjänsten",
    ]);
    expect(json.departments[0]).toEqual({
      id: null,
      name: "Kommungemensamma kanaler",
      accounts: [
        {
          platform: "facebook",
          handle: "Exempelkommun",
          purpose: "Kommunens nyheter & krisinformation <officiell>.",
          url: "https://www.facebook.com/exempelkommun",
        },
      ],
    });
    expect(json.departments[2].id).toBe(rescue.id);
    expect(json.departments[2].accounts.map((a: { handle: string }) => a.handle)).toEqual(["exempel_rtj"]);
    const text = JSON.stringify(json);
    expect(text).not.toContain("anna.andersson");
    expect(text).not.toContain("not-for-the-public");
    expect(text).not.toContain("baseUrl");
  });

  test("a change to the registry shows at once; an unchanged list answers 304", async () => {
    const first = await get("/channels.json");
    const etag = first.headers.get("etag") as string;
    expect((await get("/channels.json", { "if-none-match": etag })).status).toBe(304);
    const added = await api(hub, hub.token).post("/api/v1/accounts", {
      platform: "telegram",
      handle: "exempel_kris",
      options: { chatId: "@exempel_kris" },
      purpose: "Snabba krismeddelanden.",
      credential: { botToken: "7000000003:telegram-token-not-for-the-public" },
    });
    expect(added.status, added.text).toBe(201);
    const after = await get("/channels.json", { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain("exempel_kris");
    await api(hub, hub.token).patch(`/api/v1/accounts/${added.json.id}`, { status: "closed" });
    expect(await (await get("/channels")).text()).not.toContain("exempel_kris");
  });

  test("only web links become links: a stored javascript: URL is shown without one", async () => {
    const added = await api(hub, hub.token).post("/api/v1/accounts", {
      platform: "threads",
      handle: "exempelkommun",
      options: { threadsUserId: "26000000000000001" },
      purpose: "Trådar.",
      credential: { accessToken: "threads-token-not-for-the-public" },
    });
    // Written past the API on purpose: the page must be safe whatever the registry holds.
    await hub.deps.db.update(accounts).set({ publicUrl: "javascript:alert(1)" }).where(eq(accounts.id, added.json.id));
    await bumpPublicRevision(hub.deps.db);
    const html = await (await get("/channels")).text();
    expect(html).toContain("@exempelkommun");
    expect(html).not.toContain("javascript:");
    const json = await (await get("/channels.json")).json();
    const threads = json.departments[0].accounts.find((a: { platform: string }) => a.platform === "threads");
    expect(threads.url).toBeNull();
  });
});
