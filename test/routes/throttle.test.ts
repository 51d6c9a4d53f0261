// Sign-in throttling per client address and email, counted atomically; and the per-client
// request limit on the API and the public pages (off in the test hub unless a test sets it).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseConfig } from "../../src/config";
import { MAX_EMAIL_FAILURES, MAX_FAILURES } from "../../src/domain/people/sign-in-throttle";
import { startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addPerson, type TestPerson } from "../helpers/people";

const PASSWORD = "Korrekt hästbatteri 2026";

/** A browser at one client address: a login page's CSRF cookie and field, then posts. */
async function loginFrom(hub: TestHub, clientAddress: string) {
  const env = { deps: hub.deps, clientAddress };
  const page = await hub.app.request("/staff/login", {}, env);
  const cookie = page.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const csrf = must(/name="_csrf" value="([^"]+)"/.exec(await page.text()), "the CSRF field")[1];
  return (email: string, password: string) =>
    hub.app.request(
      "/staff/login",
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
      },
      env,
    );
}

describe("sign-in throttle", () => {
  let hub: TestHub;
  let anna: TestPerson;
  beforeAll(async () => {
    hub = await startTestHub();
    anna = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  });
  afterAll(() => hub.close());

  test("concurrent wrong passwords cannot race past the limit", async () => {
    const post = await loginFrom(hub, "198.51.100.1");
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => post(anna.email, `fel-${i}`)));
    expect(statuses.map((r) => r.status).filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
    expect(statuses.map((r) => r.status).filter((s) => s === 429)).toHaveLength(30 - MAX_FAILURES);
  });

  test("another client's failures do not lock the owner out of the right password", async () => {
    const person = await addPerson(hub, { role: "communicator", password: PASSWORD });
    const attacker = await loginFrom(hub, "198.51.100.2");
    for (let i = 0; i < MAX_FAILURES; i++) expect((await attacker(person.email, `gissning-${i}`)).status).toBe(401);
    expect((await attacker(person.email, PASSWORD)).status).toBe(429);
    const owner = await loginFrom(hub, "192.0.2.10");
    expect((await owner(person.email, PASSWORD)).status).toBe(303);
  });

  test("an email under attack from many clients refuses clients that have failed on it, not new ones", async () => {
    const person = await addPerson(hub, { role: "communicator", password: PASSWORD });
    const perClient = MAX_FAILURES - 1;
    for (let n = 0; n * perClient < MAX_EMAIL_FAILURES; n++) {
      const bot = await loginFrom(hub, `203.0.113.${n + 1}`);
      for (let i = 0; i < perClient; i++) await bot(person.email, `gissning-${n}-${i}`);
    }
    const late = await loginFrom(hub, "203.0.113.200");
    // Its first guess is answered; once it has failed, the email's ceiling applies to it.
    expect((await late(person.email, "gissning")).status).toBe(401);
    const refused = await late(person.email, PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const owner = await loginFrom(hub, "192.0.2.20");
    expect((await owner(person.email, PASSWORD)).status).toBe(303);
  });

  test("a success forgives the client's earlier typos for that email", async () => {
    const person = await addPerson(hub, { role: "communicator", password: PASSWORD });
    const post = await loginFrom(hub, "192.0.2.30");
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await post(person.email, `typo-${i}`)).status).toBe(401);
    expect((await post(person.email, PASSWORD)).status).toBe(303);
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await post(person.email, `typo-${i}`)).status).toBe(401);
    expect((await post(person.email, PASSWORD)).status).toBe(303);
  });
});

describe("request rate limit", () => {
  test("the defaults are generous and the test hub turns the limit off", async () => {
    const config = parseConfig({});
    expect(config.apiRateLimit).toBe(600);
    expect(config.publicRateLimit).toBeGreaterThanOrEqual(600);
    expect(config.trustProxy).toBe(false);
  });

  test("the API answers 429 with Retry-After past the limit, per client, until the minute passes", async () => {
    const hub = await startTestHub({ env: { KRISKANAL_API_RATE_LIMIT: "3" } });
    try {
      const get = (clientAddress: string) =>
        hub.app.request(
          "/api/v1/incidents",
          { headers: { authorization: `Bearer ${hub.token}` } },
          { deps: hub.deps, clientAddress },
        );
      for (let i = 0; i < 3; i++) expect((await get("198.51.100.7")).status).toBe(200);
      const refused = await get("198.51.100.7");
      expect(refused.status).toBe(429);
      expect((await refused.json()).error.code).toBe("too_many_requests");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await get("198.51.100.8")).status).toBe(200);
      hub.clock.advance(60_000);
      expect((await get("198.51.100.7")).status).toBe(200);
    } finally {
      await hub.close();
    }
  });

  test("public pages have their own limit", async () => {
    const hub = await startTestHub({ env: { KRISKANAL_PUBLIC_RATE_LIMIT: "2" } });
    try {
      const get = () => hub.app.request("/", {}, { deps: hub.deps, clientAddress: "198.51.100.9" });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).not.toBeNull();
    } finally {
      await hub.close();
    }
  });

  test("X-Forwarded-For names the client only when KRISKANAL_TRUST_PROXY is set", async () => {
    for (const [trust, secondStatus] of [
      ["1", 200],
      ["0", 429],
    ] as const) {
      const hub = await startTestHub({ env: { KRISKANAL_API_RATE_LIMIT: "1", KRISKANAL_TRUST_PROXY: trust } });
      try {
        const get = (forwardedFor: string) =>
          hub.app.request(
            "/api/v1/incidents",
            { headers: { authorization: `Bearer ${hub.token}`, "x-forwarded-for": forwardedFor } },
            { deps: hub.deps, clientAddress: "10.0.0.1" },
          );
        expect((await get("spoofed, 198.51.100.20")).status).toBe(200);
        expect((await get("spoofed, 198.51.100.21")).status).toBe(secondStatus);
      } finally {
        await hub.close();
      }
    }
  });
});
