import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { apiTokens, auditLog } from "../../src/db/schema";
import { sha256Hex } from "../../src/domain/accounts/secrets";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addPerson } from "../helpers/people";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

describe("API tokens", () => {
  test("a token is shown once, stored only as its SHA-256, and works until revoked", async () => {
    const p = await addPerson(hub, { role: "communicator" });
    const issued = await api(hub, hub.token).post(`/api/v1/people/${p.id}/tokens`, { name: "Larmintegration" });
    expect(issued.status).toBe(201);
    expect(issued.json).toMatchObject({ name: "Larmintegration", scopes: ["all"] });
    const token: string = issued.json.token;
    expect(token).toMatch(/^kk_[A-Za-z0-9_-]{40,}$/);
    const [row] = await hub.deps.db.select().from(apiTokens).where(eq(apiTokens.id, issued.json.id));
    expect(row.tokenHash).toBe(await sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const listed = await api(hub, hub.token).get(`/api/v1/people/${p.id}/tokens`);
    expect(listed.json.tokens.map((t: { id: string }) => t.id)).toContain(issued.json.id);
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain(row.tokenHash);
    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, issued.json.id));
    expect(audit.map((a) => a.action)).toEqual(["token.issued"]);
    expect(JSON.stringify(audit)).not.toContain(token);

    const me = await api(hub, token).get("/api/v1/people/me");
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(p.id);
    const [used] = await hub.deps.db.select().from(apiTokens).where(eq(apiTokens.id, issued.json.id));
    expect(used.lastUsedAt?.toISOString()).toBe(hub.clock.now().toISOString());

    const revoked = await api(hub, hub.token).delete(`/api/v1/tokens/${issued.json.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).toBe(hub.clock.now().toISOString());
    const refused = await api(hub, token).get("/api/v1/people/me");
    expect(refused.status).toBe(401);
    expect(refused.json.error.detail).toMatch(/revoked/);
    expect((await api(hub, hub.token).delete(`/api/v1/tokens/${issued.json.id}`)).status).toBe(200);
    const [kept] = await hub.deps.db.select().from(apiTokens).where(eq(apiTokens.id, issued.json.id));
    expect(kept.revokedAt).not.toBeNull();
  });

  test("a person issues and revokes their own tokens, never someone else's", async () => {
    const anna = await addPerson(hub, { role: "communicator" });
    const bo = await addPerson(hub, { role: "communicator" });
    const own = await api(hub, anna.token).post(`/api/v1/people/${anna.id}/tokens`, { name: "Min dator" });
    expect(own.status).toBe(201);
    expect((await api(hub, anna.token).post(`/api/v1/people/${bo.id}/tokens`, { name: "x" })).status).toBe(403);
    expect((await api(hub, anna.token).get(`/api/v1/people/${bo.id}/tokens`)).status).toBe(403);
    const boTokens = (await api(hub, hub.token).get(`/api/v1/people/${bo.id}/tokens`)).json.tokens;
    expect((await api(hub, anna.token).delete(`/api/v1/tokens/${boTokens[0].id}`)).status).toBe(403);
    expect((await api(hub, bo.token).get("/api/v1/people/me")).status).toBe(200);
    expect((await api(hub, anna.token).delete(`/api/v1/tokens/${own.json.id}`)).status).toBe(200);
    expect((await api(hub, hub.token).delete("/api/v1/tokens/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  test("scopes narrow a token: read tokens only read, publish tokens cannot approve or pause", async () => {
    const p = await addPerson(hub, { role: "communicator" });
    const read = (await api(hub, hub.token).post(`/api/v1/people/${p.id}/tokens`, { name: "r", scopes: ["read"] }))
      .json;
    const publish = (
      await api(hub, hub.token).post(`/api/v1/people/${p.id}/tokens`, { name: "p", scopes: ["publish"] })
    ).json;
    expect(read.scopes).toEqual(["read"]);
    expect((await api(hub, read.token).get("/api/v1/incidents")).status).toBe(200);
    const write = await api(hub, read.token).post("/api/v1/incidents", { title: "Strömavbrott", severity: "major" });
    expect(write.status).toBe(403);
    expect((await api(hub, read.token).post(`/api/v1/people/${p.id}/tokens`, { name: "x" })).status).toBe(403);

    const incident = await api(hub, publish.token).post("/api/v1/incidents", {
      title: "Strömavbrott",
      severity: "major",
    });
    expect(incident.status).toBe(201);
    expect((await api(hub, publish.token).post("/api/v1/deliveries/pause", {})).status).toBe(403);
    // A token cannot mint a wider one.
    const wider = await api(hub, publish.token).post(`/api/v1/people/${p.id}/tokens`, { name: "x", scopes: ["all"] });
    expect(wider.status).toBe(403);
    const narrower = await api(hub, publish.token).post(`/api/v1/people/${p.id}/tokens`, {
      name: "x",
      scopes: ["read"],
    });
    expect(narrower.status).toBe(201);
    const bad = await api(hub, hub.token).post(`/api/v1/people/${p.id}/tokens`, { name: "", scopes: ["root"] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["name", "scopes.0"]);
  });

  test("the bootstrap admin token keeps working", async () => {
    const res = await api(hub, "test-bootstrap-token-0123456789").get("/api/v1/people/me");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: hub.adminId, role: "admin" });
  });

  test("no token, a malformed header or an unknown token is a 401", async () => {
    expect((await api(hub).get("/api/v1/people/me")).status).toBe(401);
    expect((await api(hub).get("/api/v1/people/me", { authorization: "Basic abc" })).status).toBe(401);
    expect((await api(hub, "kk_nope").get("/api/v1/people/me")).status).toBe(401);
  });
});
