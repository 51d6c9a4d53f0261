// A platform error that echoes the request URL carries the token percent-encoded (Meta's APIs
// take it as a query parameter): it must not surface in the rights detail, the delivery list or
// the audit log in that form either.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog } from "../../src/db/schema";
import { dispatchDue } from "../../src/dispatcher/dispatch";
import { createPlatforms } from "../../src/platforms/index";
import type { PlatformAdapter } from "../../src/platforms/types";
import { DISPATCH_DEFAULTS } from "../dispatcher/fanout-hub";
import { api, startTestHub, type TestHub } from "../helpers/hub";

const PAGE_TOKEN = "EAAB/page+token=ö;9f4c1a";
const USER_TOKEN = "EAAB/user+token=å;51d0e3";
const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
const LEAKS = [PAGE_TOKEN, USER_TOKEN, encodeURIComponent(PAGE_TOKEN), encodeURIComponent(USER_TOKEN)];

/** Facebook whose errors quote the request URL, token and all, as Graph's sometimes do. */
function echoingFacebook(real: PlatformAdapter): PlatformAdapter {
  return {
    ...real,
    async checkRights(ctx) {
      const token = encodeURIComponent(ctx.credential.userAccessToken);
      return { ok: false, class: "auth", detail: `GET /me/accounts?access_token=${token} failed` };
    },
    async publish(ctx) {
      const token = lower(encodeURIComponent(ctx.credential.pageAccessToken));
      return { ok: false, class: "invalid", message: `POST /1/feed?access_token=${token}: (#100) Invalid parameter` };
    },
  };
}

let hub: TestHub;
beforeAll(async () => {
  const platforms = createPlatforms();
  hub = await startTestHub({ deps: { platforms: { ...platforms, facebook: echoingFacebook(platforms.facebook) } } });
});
afterAll(async () => {
  await hub?.close();
});

describe("a percent-encoded credential in a platform's error", () => {
  test("is hidden in the rights detail, the delivery list and the audit log", async () => {
    const admin = api(hub, hub.token);
    const account = await admin.post("/api/v1/accounts", {
      platform: "facebook",
      handle: "Exempelkommun",
      options: { pageId: "104000000000001" },
      credential: { pageAccessToken: PAGE_TOKEN, userAccessToken: USER_TOKEN },
    });
    expect(account.status, account.text).toBe(201);
    const verified = await admin.post(`/api/v1/accounts/${account.json.id}/verify`);
    expect(verified.json.rights.detail).toContain("[dold]");
    const incident = (await admin.post("/api/v1/incidents", { title: "Skyfall", severity: "minor" })).json;
    const update = await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body: "Undvik centrum." });
    expect(update.status, update.text).toBe(201);
    await dispatchDue(hub.deps, DISPATCH_DEFAULTS);
    const list = await admin.get(`/api/v1/updates/${update.json.id}/deliveries`);
    expect(list.json.deliveries[0]).toMatchObject({ status: "failed" });
    expect(list.json.deliveries[0].message).toContain("[dold]");
    const texts = [
      verified.text,
      (await admin.get(`/api/v1/accounts/${account.json.id}`)).text,
      list.text,
      (await admin.get("/api/v1/audit?limit=1000")).text,
      JSON.stringify(await hub.deps.db.select().from(auditLog)),
      hub.logLines.join("\n"),
    ];
    for (const leak of [...LEAKS, ...LEAKS.map(lower)]) {
      for (const text of texts) expect(text.includes(leak), `leaks ${leak}`).toBe(false);
    }
  });
});
