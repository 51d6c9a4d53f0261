// Account snapshots: the registry data (never the credential) and everything published through
// the account in a period, frozen as canonical JSON whose SHA-256 is stored; immutable; and the
// compliance report flags accounts without a recent one.
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { snapshots } from "../../src/db/schema";
import { addAccount, addPerson, markPublished, PLANTED_SECRET } from "../archive/records-fixtures";
import { api, startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
let account: Awaited<ReturnType<typeof addAccount>>;
let other: Awaited<ReturnType<typeof addAccount>>;
const DAY = 86_400_000;

/** Written here from RFC 8785's rules, not imported: sorted keys, no whitespace. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

beforeAll(async () => {
  hub = await startTestHub();
  account = await addAccount(hub, { platform: "mastodon", handle: "exempelkommun" });
  other = await addAccount(hub, { platform: "x", handle: "exempelkommun" });
  const a = api(hub, hub.token);
  const incident = (await a.post("/api/v1/incidents", { title: "Strömavbrott", severity: "major" })).json;
  hub.clock.advance(DAY);
  const posted = (await a.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Strömmen är borta i Norr." })).json;
  for (const d of posted.deliveries) await markPublished(hub, d.id, `r-${d.accountId.slice(0, 4)}`);
  hub.clock.advance(DAY);
});
afterAll(() => hub.close());

describe("account snapshots", () => {
  test("hold the registry data without the credential and every delivery with its update text", async () => {
    const res = await api(hub, hub.token).post(`/api/v1/accounts/${account.id}/snapshots`, {});
    expect(res.status, res.text).toBe(201);
    const { data } = res.json;
    expect(data.account).toMatchObject({
      id: account.id,
      platform: "mastodon",
      handle: "exempelkommun",
      status: "active",
    });
    expect(data.account).not.toHaveProperty("credentialCiphertext");
    expect(res.text).not.toContain(PLANTED_SECRET);
    expect(res.text).not.toContain(account.credentialCiphertext as string);
    expect(data.period).toEqual({ from: account.createdAt.toISOString(), to: hub.clock.now().toISOString() });
    expect(data.deliveries).toHaveLength(1);
    expect(data.deliveries[0]).toMatchObject({
      kind: "publish",
      status: "published",
      remoteUrl: expect.stringContaining("https://social.example/posts/"),
      update: { number: 1, body: "Strömmen är borta i Norr.", url: expect.stringContaining("/updates/1") },
      incident: { title: "Strömavbrott" },
    });
    const digest = createHash("sha256").update(canonical(data)).digest("hex");
    expect(res.json.sha256).toBe(digest);
  });

  test("the next one starts where the last ended; bad periods are refused", async () => {
    const a = api(hub, hub.token);
    const [first] = (await a.get(`/api/v1/accounts/${account.id}/snapshots`)).json.snapshots;
    hub.clock.advance(DAY);
    const second = (await a.post(`/api/v1/accounts/${account.id}/snapshots`, {})).json;
    expect(second.periodFrom).toBe(first.periodTo);
    expect(second.data.deliveries).toEqual([]);
    const reversed = await a.post(`/api/v1/accounts/${account.id}/snapshots`, { from: "2026-12-01", to: "2026-11-01" });
    expect(reversed.status).toBe(400);
    expect(reversed.json.error.fields[0].field).toBe("from");
    const future = await a.post(`/api/v1/accounts/${account.id}/snapshots`, { to: "2031-01-01" });
    expect(future.json.error.fields[0].field).toBe("to");
    expect((await a.post(`/api/v1/accounts/00000000-0000-4000-8000-000000000000/snapshots`, {})).status).toBe(404);
    const listed = (await a.get(`/api/v1/accounts/${account.id}/snapshots`)).json.snapshots;
    expect(listed.map((s: { id: string }) => s.id)).toEqual([second.id, first.id]);
    expect(listed[0]).not.toHaveProperty("data");
  });

  test("are immutable: no route changes one, and a reading checks the checksum", async () => {
    const a = api(hub, hub.token);
    const [latest] = (await a.get(`/api/v1/accounts/${account.id}/snapshots`)).json.snapshots;
    const path = `/api/v1/accounts/${account.id}/snapshots/${latest.id}`;
    expect((await a.patch(path, { data: {} })).status).toBe(404);
    expect((await a.delete(path)).status).toBe(404);
    const read = await a.get(path);
    expect(read.json).toMatchObject({ id: latest.id, intact: true, sha256: latest.sha256 });
    // Tampering in the database is detected on reading.
    await hub.deps.db
      .update(snapshots)
      .set({ data: { forged: true } })
      .where(eq(snapshots.id, latest.id));
    expect((await a.get(path)).json.intact).toBe(false);
    expect((await a.get(`/api/v1/accounts/${other.id}/snapshots/${latest.id}`)).status).toBe(404);
  });

  test("registrars may take and read them; viewers may not", async () => {
    const registrar = await addPerson(hub, "registrar");
    const viewer = await addPerson(hub, "viewer");
    expect((await api(hub, registrar.token).post(`/api/v1/accounts/${other.id}/snapshots`, {})).status).toBe(201);
    expect((await api(hub, viewer.token).post(`/api/v1/accounts/${other.id}/snapshots`, {})).status).toBe(403);
    expect((await api(hub, viewer.token).get(`/api/v1/accounts/${other.id}/snapshots`)).status).toBe(403);
  });

  test("the compliance report flags an account whose newest snapshot is older than six months", async () => {
    const fresh = await addAccount(hub, { platform: "bluesky", handle: "exempelkommun.bsky.social" });
    const findings = async (id: string) =>
      (
        (await api(hub, hub.token).get("/api/v1/compliance")).json.accounts as {
          accountId: string;
          findings: { rule: string; message: string }[];
        }[]
      )
        .find((a) => a.accountId === id)
        ?.findings.filter((f) => f.rule === "snapshot_stale") ?? [];
    expect(await findings(account.id)).toEqual([]);
    expect(await findings(fresh.id)).toEqual([]);
    hub.clock.advance(200 * DAY);
    const [stale] = await findings(account.id);
    expect(stale.message).toContain("för mer än 6 månader sedan");
    const [never] = await findings(fresh.id);
    expect(never.message).toContain("aldrig dokumenterats");
    await api(hub, hub.token).post(`/api/v1/accounts/${account.id}/snapshots`, {});
    expect(await findings(account.id)).toEqual([]);
  });
});
