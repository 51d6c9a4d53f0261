// Closing an account: archived first (a snapshot from the last week), a farewell that says why
// and where to find the municipality instead, then off the public list; its history stays.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, auditLog, deliveries } from "../../src/db/schema";
import { addAccount, addPerson, markPublished } from "../archive/records-fixtures";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
let incident: { id: string; slug: string };
const DAY = 86_400_000;

beforeAll(async () => {
  hub = await startTestHub();
  incident = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Storm i skärgården", severity: "major" }))
    .json;
});
afterAll(() => hub.close());

const channelsJson = async () => (await hub.app.request("/channels.json", {}, { deps: hub.deps })).text();

describe("closing an account", () => {
  test("needs a snapshot from the last seven days", async () => {
    const account = await addAccount(hub, { platform: "threads", handle: "exempel_ungdom" });
    const a = api(hub, hub.token);
    const none = await a.post(`/api/v1/accounts/${account.id}/close`, { reason: "Kontot används inte längre" });
    expect(none.status).toBe(409);
    expect(none.json.error.detail).toContain("take a snapshot first");
    expect(none.json.error.detail).toContain("no snapshot");
    expect((await a.post(`/api/v1/accounts/${account.id}/snapshots`, {})).status).toBe(201);
    hub.clock.advance(8 * DAY);
    const old = await a.post(`/api/v1/accounts/${account.id}/close`, { reason: "Kontot används inte längre" });
    expect(old.status).toBe(409);
    expect(old.json.error.detail).toContain("older than 7 days");
    const [still] = await hub.deps.db.select().from(accounts).where(eq(accounts.id, account.id));
    expect(still.status).toBe("active");
    expect(await hub.deps.db.select().from(deliveries).where(eq(deliveries.accountId, account.id))).toEqual([]);
  });

  test("posts a farewell saying why, leaves the public list, and keeps its history", async () => {
    const account = await addAccount(hub, { platform: "mastodon", handle: "exempel_kultur" });
    const a = api(hub, hub.token);
    const posted = (await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Färjorna är inställda." })).json;
    const published = posted.deliveries.find((d: { accountId: string }) => d.accountId === account.id);
    await markPublished(hub, published.id, "kultur-1");
    expect(await channelsJson()).toContain("exempel_kultur");
    hub.clock.advance(DAY);
    expect((await a.post(`/api/v1/accounts/${account.id}/snapshots`, {})).status).toBe(201);
    hub.clock.advance(DAY);

    const res = await a.post(`/api/v1/accounts/${account.id}/close`, {
      reason: "Kulturkanalen slås ihop med kommunens.",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.account).toMatchObject({
      status: "closed",
      closedReason: "Kulturkanalen slås ihop med kommunens.",
    });
    expect(res.json.farewell).toMatchObject({ kind: "farewell", status: "pending" });
    const text: string = res.json.farewell.text;
    expect(text).toContain("Skäl: Kulturkanalen slås ihop med kommunens.");
    expect(text).toContain("Tack för att du har följt oss");
    expect(text).toContain("https://kris.exempel.se ");
    expect(text).toContain("https://kris.exempel.se/channels");
    expect(hub.signalled.flat()).toContain(res.json.farewell.id);

    expect(await channelsJson()).not.toContain("exempel_kultur");
    const [farewell] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.id, res.json.farewell.id));
    expect(farewell).toMatchObject({ updateId: null, accountId: account.id, kind: "farewell", sentText: text });
    // History stays: the earlier post, its link on the public page, and the audit trail.
    const kept = await hub.deps.db.select().from(deliveries).where(eq(deliveries.accountId, account.id));
    expect(kept.map((d) => d.kind).sort()).toEqual(["farewell", "publish"]);
    const page = await (await hub.app.request(`/incidents/${incident.slug}`, {}, { deps: hub.deps })).text();
    expect(page).toContain("https://social.example/posts/kultur-1");
    const [audit] = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, "account.closed"));
    expect(audit).toMatchObject({ accountId: account.id });
    expect(JSON.stringify(audit.after)).not.toContain("credential");
    // Closed accounts are no target any more.
    const next = (await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Färjorna går igen." })).json;
    expect(next.deliveries.some((d: { accountId: string }) => d.accountId === account.id)).toBe(false);

    const again = await a.post(`/api/v1/accounts/${account.id}/close`, { reason: "Igen" });
    expect(again.status).toBe(409);
  });

  test("a farewell of one's own gets the links added; only admins close; the reason is required", async () => {
    const account = await addAccount(hub, { platform: "bluesky", handle: "exempel-fritid.bsky.social" });
    const a = api(hub, hub.token);
    await a.post(`/api/v1/accounts/${account.id}/snapshots`, {});
    const communicator = await addPerson(hub, "communicator");
    const denied = await api(hub, communicator.token).post(`/api/v1/accounts/${account.id}/close`, {
      reason: "Nedläggning",
    });
    expect(denied.status).toBe(403);
    const noReason = await a.post(`/api/v1/accounts/${account.id}/close`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.fields[0].field).toBe("reason");
    const res = await a.post(`/api/v1/accounts/${account.id}/close`, {
      reason: "Fritidsgården har flyttat sin information till webben",
      farewell: "Tack för alla fina år! Fritidsgårdens kanal stängs nu eftersom informationen finns på webben.",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.farewell.text).toMatch(
      /^Tack för alla fina år!.*\n\nAktuell information från Exempelkommun finns på https:\/\/kris\.exempel\.se och alla våra officiella kanaler på https:\/\/kris\.exempel\.se\/channels$/s,
    );
    expect(
      (await a.post("/api/v1/accounts/00000000-0000-4000-8000-000000000000/close", { reason: "x y z" })).status,
    ).toBe(404);
  });
});
