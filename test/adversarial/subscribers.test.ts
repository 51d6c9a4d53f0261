// The public subscription routes under attack: bad input (400 naming the field, nothing
// written), forged cross-site posts, sign-up floods that must neither flood an inbox nor reveal
// who subscribes, unguessable links, and subscribers' addresses kept out of every staff API
// answer, the archive export, the audit log and the logs.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rowsOf } from "../../src/db/client";
import { MAX_CONFIRMATIONS_PER_ADDRESS } from "../../src/domain/subscribers/sign-up-throttle";
import {
  countOf,
  openIncident,
  postForm,
  publish,
  type SubscriberHub,
  startSubscriberHub,
} from "../channels/subscriber-harness";
import { api } from "../helpers/hub";
import { must } from "../helpers/must";
import { unzip } from "../helpers/unzip";
import { countRows, fillPath, listApiRoutes } from "./route-table";

let hub: SubscriberHub;
beforeAll(async () => {
  hub = await startSubscriberHub();
});
afterAll(() => hub.stop());

const EMAIL = "hemlig.prenumerant@exempel.se";
const PHONE = "+46705550123";

describe("bad input", () => {
  test.each([
    ["/prenumerera/e-post", { email: "inte-en-adress" }, "email"],
    ["/prenumerera/e-post", { email: "" }, "email"],
    ["/prenumerera/e-post", { email: "a@b.se", language: "xx" }, "email-sprak"],
    ["/prenumerera/e-post", { email: "a@b.se", incident: "finns-inte" }, "email-handelse"],
    ["/prenumerera/sms", { phone: "inget nummer" }, "phone"],
    ["/prenumerera/sms", { phone: "+46 70" }, "phone"],
    ["/prenumerera/sms", { phone: "0701234567", incident: "finns-inte" }, "phone-handelse"],
  ])("%s %j: 400 naming the field, nothing written", async (path, fields, id) => {
    const before = await countRows(hub.deps.db);
    const res = await postForm(hub, path, fields);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`href="#${id}"`);
    expect(await countRows(hub.deps.db)).toEqual(before);
  });

  test("a code of the wrong shape is named; a ticket that does not exist reads as a wrong code", async () => {
    const before = await countRows(hub.deps.db);
    const res = await postForm(hub, "/prenumerera/sms/kod", { ticket: "sk_finns_inte_alls_123", code: "abc" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('aria-invalid="true"');
    const unknown = await postForm(hub, "/prenumerera/sms/kod", { ticket: "sk_finns_inte_alls_123", code: "123456" });
    expect(unknown.status).toBe(400);
    expect(await countRows(hub.deps.db)).toEqual(before);
  });
});

describe("forged posts", () => {
  test.each([
    [{ origin: "https://angripare.example" }],
    [{ origin: "null" }],
    [{ "sec-fetch-site": "cross-site", origin: "" }],
  ])("a sign-up posted from another site (%j) is refused and writes nothing", async (headers) => {
    const before = await countRows(hub.deps.db);
    const res = await postForm(hub, "/prenumerera/e-post", { email: "offer@exempel.se" }, headers);
    expect(res.status).toBe(403);
    expect((await postForm(hub, "/prenumerera/bekrafta/bk_whatever_token_1234", {}, headers)).status).toBe(403);
    expect(await countRows(hub.deps.db)).toEqual(before);
  });

  test("an unknown or malformed unsubscribe token erases nothing and answers as a real one does", async () => {
    const before = await countRows(hub.deps.db);
    // A NUL in the path is refused by the hub's malformed-input check before the route (400).
    expect((await postForm(hub, "/avsluta/%00%27", {}, { origin: "" })).status).toBe(400);
    for (const token of ["av_gissad_token_1234567890", "x", "%27%20or%201%3D1"]) {
      const res = await postForm(hub, `/avsluta/${token}`, { "List-Unsubscribe": "One-Click" }, { origin: "" });
      expect(res.status).toBe(200);
    }
    expect(await countRows(hub.deps.db)).toEqual(before);
  });
});

describe("sign-up floods", () => {
  test("one address gets a limited number of confirmations, and every answer looks the same", async () => {
    const target = "oversvamning@exempel.se";
    const before = hub.smtp.messages.length;
    const bodies = new Set<string>();
    for (let i = 0; i < MAX_CONFIRMATIONS_PER_ADDRESS + 3; i++) {
      const res = await postForm(hub, "/prenumerera/e-post", { email: target });
      expect(res.status).toBe(200);
      bodies.add(await res.text());
    }
    await hub.settle();
    await hub.smtp.waitFor(before + MAX_CONFIRMATIONS_PER_ADDRESS);
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.smtp.messages.length - before).toBe(MAX_CONFIRMATIONS_PER_ADDRESS);
    expect(bodies.size).toBe(1);
  });
});

describe("subscribers' addresses stay sealed", () => {
  const seen: { what: string; text: string }[] = [];

  beforeAll(async () => {
    const incident = await openIncident(hub, "Läcka i ledningsnätet");
    // An email subscriber and an SMS subscriber, both confirmed and sent an update.
    const mails = hub.smtp.messages.length;
    await postForm(hub, "/prenumerera/e-post", { email: EMAIL });
    await hub.settle();
    const [confirmation] = (await hub.smtp.waitFor(mails + 1)).slice(mails);
    const link = must(/kris\.exempel\.se(\/prenumerera\/bekrafta\/\S+)/.exec(confirmation.text ?? ""), "a link")[1];
    expect((await postForm(hub, link, {})).status).toBe(200);
    const texts = hub.elks.sent.length;
    const page = await (await postForm(hub, "/prenumerera/sms", { phone: PHONE })).text();
    await hub.settle();
    const ticket = must(/name="ticket" value="([^"]+)"/.exec(page), "a ticket")[1];
    const code = must(/^(\d{6})/.exec(must(hub.elks.sent[texts], "the code").message), "a code")[1];
    expect((await postForm(hub, "/prenumerera/sms/kod", { ticket, code })).status).toBe(200);
    await publish(hub, incident.id, "Vattnet är avstängt.");
    expect(await countOf(hub, "subscriber_messages where status = 'sent'")).toBeGreaterThanOrEqual(2);

    const admin = api(hub, hub.token);
    for (const route of listApiRoutes().filter((r) => r.method === "GET")) {
      const path = fillPath(route.path, (name) => (name === "id" ? incident.id : "x"));
      const res = await admin.get(path);
      seen.push({ what: path, text: res.text });
    }
    const zip = await hub.app.request(
      "/api/v1/export?from=2026-01-01&to=2027-01-01",
      { headers: { authorization: `Bearer ${hub.token}` } },
      { deps: hub.deps },
    );
    expect(zip.status).toBe(200);
    for (const [name, text] of Object.entries(unzip(Buffer.from(await zip.arrayBuffer())))) {
      seen.push({ what: `export ${name}`, text });
    }
    for (const row of rowsOf<{ j: string }>(
      await hub.deps.db.execute(sql`select row_to_json(a)::text as j from audit_log a`),
    )) {
      seen.push({ what: "audit_log", text: row.j });
    }
    for (const line of hub.logLines) seen.push({ what: "log", text: line });
    for (const table of ["subscribers", "subscriber_messages", "subscriber_tallies", "subscription_throttle"]) {
      for (const row of rowsOf<{ j: string }>(
        await hub.deps.db.execute(sql.raw(`select row_to_json(t)::text as j from ${table} t`)),
      )) {
        seen.push({ what: `table ${table}`, text: row.j });
      }
    }
  });

  test("no staff API answer, export file, audit row, log line or table holds an address in clear", () => {
    expect(seen.length).toBeGreaterThan(20);
    const forms = [EMAIL, "hemlig.prenumerant", PHONE, PHONE.slice(1), "0705550123"];
    const leaks = seen.flatMap(({ what, text }) => forms.filter((f) => text.includes(f)).map((f) => `${f} in ${what}`));
    expect(leaks).toEqual([]);
  });

  test("the audit log records confirmations by row id, with neither the address nor its lookup hash", async () => {
    const hashes = rowsOf<{ address_hash: string }>(
      await hub.deps.db.execute(sql`select address_hash from subscribers`),
    );
    expect(hashes.length).toBeGreaterThanOrEqual(2);
    const audit = seen.filter((s) => s.what === "audit_log").map((s) => s.text);
    expect(audit.some((t) => t.includes("subscriber.confirmed"))).toBe(true);
    for (const { address_hash } of hashes) expect(audit.join("\n")).not.toContain(address_hash);
  });
});
