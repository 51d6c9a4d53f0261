// The public push routes take input from anyone: every wrong field is a 400 in the JSON error
// shape naming it, generated bodies never cause a 5xx, and nothing is written unless the answer
// is 201. Endpoints on loopback and private addresses, and plain http, are refused unless
// KRISKANAL_PUSH_ALLOW_PRIVATE is set.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { countRows, isErrorShape } from "./route-table";

const KEYS = {
  p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
  auth: "tBHItJI5svbpez7KI4CCXg",
};
const ENDPOINT = "https://push.example.net/wpush/v2/abc123";

let hub: TestHub;
let incidentId: string;
beforeAll(async () => {
  hub = await startTestHub();
  incidentId = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Läcka", severity: "minor" })).json.id;
});
afterAll(() => hub.close());

function send(method: string, path: string, body: string, type = "application/json") {
  return hub.app.request(path, { method, headers: { "content-type": type }, body }, { deps: hub.deps });
}

async function refused(body: unknown, fields: string[], path = "/push/subscriptions", method = "POST") {
  const before = await countRows(hub.deps.db);
  const res = await send(method, path, JSON.stringify(body));
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(400);
  expect(isErrorShape(json)).toBe(true);
  expect(json.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(fields.sort());
  expect(await countRows(hub.deps.db)).toEqual(before);
}

describe("subscribing", () => {
  it("names every wrong field, writes nothing", async () => {
    await refused({}, ["endpoint", "keys"]);
    await refused({ endpoint: ENDPOINT, keys: { p256dh: "kort", auth: KEYS.auth } }, ["keys.p256dh"]);
    await refused({ endpoint: ENDPOINT, keys: { p256dh: KEYS.p256dh, auth: "AAAA" } }, ["keys.auth"]);
    // A compressed point (0x02…) is not what browsers send.
    await refused({ endpoint: ENDPOINT, keys: { ...KEYS, p256dh: `A${KEYS.p256dh.slice(1)}` } }, ["keys.p256dh"]);
    await refused({ endpoint: ENDPOINT, keys: KEYS, incident: "nej" }, ["incident"]);
    await refused({ endpoint: ENDPOINT, keys: KEYS, incident: "00000000-0000-4000-8000-000000000000" }, ["incident"]);
    await refused({ endpoint: ENDPOINT, keys: KEYS, language: "xx" }, ["language"]);
    await refused({ endpoint: "inte en adress", keys: KEYS }, ["endpoint"]);
    await refused({ endpoint: "https://user:pass@push.example.net/x", keys: KEYS }, ["endpoint"]);
  });

  it("refuses loopback, private and plain-http endpoints unless allowed", async () => {
    for (const endpoint of [
      "https://127.0.0.1/push",
      "https://localhost/push",
      "https://10.0.0.5/push",
      "https://[::1]/push",
      "https://169.254.169.254/latest",
      "http://push.example.net/push",
    ]) {
      await refused({ endpoint, keys: KEYS }, ["endpoint"]);
    }
    hub.deps.config.pushAllowPrivate = true;
    try {
      const res = await send(
        "POST",
        "/push/subscriptions",
        JSON.stringify({ endpoint: "http://127.0.0.1:9/p", keys: KEYS }),
      );
      expect(res.status).toBe(201);
    } finally {
      hub.deps.config.pushAllowPrivate = false;
    }
  });

  it("takes JSON only, and answers malformed JSON with 400", async () => {
    const before = await countRows(hub.deps.db);
    const form = await send("POST", "/push/subscriptions", `endpoint=${ENDPOINT}`, "application/x-www-form-urlencoded");
    expect(form.status).toBe(415);
    expect(isErrorShape(await form.json())).toBe(true);
    const broken = await send("POST", "/push/subscriptions", "{nej");
    expect(broken.status).toBe(400);
    expect(isErrorShape(await broken.json())).toBe(true);
    const array = await send("POST", "/push/subscriptions", "[]");
    expect(array.status).toBe(400);
    expect(await countRows(hub.deps.db)).toEqual(before);
  });

  it("a good subscription is 201 and answers only the choice", async () => {
    const res = await send(
      "POST",
      "/push/subscriptions",
      JSON.stringify({ endpoint: ENDPOINT, keys: KEYS, incident: incidentId }),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ incident: incidentId, language: "sv" });
  });

  it("generated bodies: never a 5xx, errors in the JSON shape, nothing written unless 201", async () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant("\u0000"),
      fc.constant("\ud800"),
      fc.constant("' or 1=1 --"),
    );
    const body = fc.record(
      {
        endpoint: fc.oneof(value, fc.constant(ENDPOINT), fc.webUrl()),
        keys: fc.oneof(value, fc.constant(KEYS), fc.record({ p256dh: value, auth: value })),
        incident: fc.oneof(value, fc.constant("all"), fc.uuid()),
        language: fc.oneof(value, fc.constant("sv")),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("POST", "DELETE"), async (input, method) => {
        const before = await countRows(hub.deps.db);
        const res = await send(method, "/push/subscriptions", JSON.stringify(input));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(isErrorShape(await res.json())).toBe(true);
          expect(await countRows(hub.deps.db)).toEqual(before);
        }
      }),
      { numRuns: Number(process.env.KRISKANAL_FUZZ_RUNS ?? 25), seed: 20261206 },
    );
  });
});

describe("the per-address limit", () => {
  it("answers 429 in the JSON shape once an address has asked too often", async () => {
    hub.deps.config.pushRateLimit = 2;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await send("POST", "/push/subscriptions/unsubscribe", JSON.stringify({ endpoint: ENDPOINT }));
        statuses.push(res.status);
        if (res.status === 429) expect(isErrorShape(await res.json())).toBe(true);
      }
      expect(statuses).toEqual([204, 204, 429]);
    } finally {
      hub.deps.config.pushRateLimit = 0;
    }
  });
});

describe("unsubscribing", () => {
  it("needs the endpoint; the answer never says whether there was a subscription", async () => {
    await refused({}, ["endpoint"], "/push/subscriptions", "DELETE");
    await refused({ endpoint: 5 }, ["endpoint"], "/push/subscriptions/unsubscribe");
    const unknown = await send(
      "POST",
      "/push/subscriptions/unsubscribe",
      JSON.stringify({ endpoint: "https://push.example.net/none" }),
    );
    const known = await send("POST", "/push/subscriptions/unsubscribe", JSON.stringify({ endpoint: ENDPOINT }));
    expect([unknown.status, known.status]).toEqual([204, 204]);
  });
});
