// SMS subscriptions through the 46elks stand-in: a code by SMS typed on the page, updates counted
// and shortened to segments with the link kept, retries, an unreachable number, and unsubscribing
// by the link in the SMS.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { countSms } from "../../src/channels/sms-segments";
import { rowsOf } from "../../src/db/client";
import { MAX_CODE_ATTEMPTS } from "../../src/domain/subscribers/confirmation";
import { must } from "../helpers/must";
import {
  countOf,
  openIncident,
  postForm,
  publish,
  type SubscriberHub,
  sendDue,
  startSubscriberHub,
  tally,
} from "./subscriber-harness";

let hub: SubscriberHub;
beforeAll(async () => {
  hub = await startSubscriberHub({ KRISKANAL_SMS_MAX_SEGMENTS: "2" });
});
afterAll(() => hub.stop());

async function signUp(phone: string): Promise<{ ticket: string; code: string }> {
  const before = hub.elks.sent.length;
  const res = await postForm(hub, "/prenumerera/sms", { phone });
  expect(res.status).toBe(200);
  const html = await res.text();
  const ticket = must(/name="ticket" value="([^"]+)"/.exec(html), "a ticket")[1];
  await hub.settle();
  const sms = must(hub.elks.sent[before], "the code SMS");
  return { ticket, code: must(/^(\d{6}) är din kod/.exec(sms.message), "a code")[1] };
}

describe("SMS subscriptions", () => {
  test("a code by SMS, typed on the page, confirms; a wrong code does not, and too many wrong codes end the sign-up", async () => {
    const { ticket, code } = await signUp("070-123 45 67");
    expect(hub.elks.sent[0]).toMatchObject({ from: "Exempel", to: "+46701234567", parts: 1 });
    const wrong = code === "000000" ? "111111" : "000000";
    const refused = await postForm(hub, "/prenumerera/sms/kod", { ticket, code: wrong });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Koden stämmer inte");
    const malformed = await postForm(hub, "/prenumerera/sms/kod", { ticket, code: "12" });
    expect(malformed.status).toBe(400);
    expect(await countOf(hub, "subscribers where status = 'confirmed'")).toBe(0);
    const ok = await postForm(hub, "/prenumerera/sms/kod", { ticket, code });
    expect(ok.status).toBe(200);
    expect(await countOf(hub, "subscribers where status = 'confirmed'")).toBe(1);

    const other = await signUp("+46709999999");
    for (let i = 0; i < MAX_CODE_ATTEMPTS; i++) {
      await postForm(hub, "/prenumerera/sms/kod", {
        ticket: other.ticket,
        code: other.code === "000000" ? "111111" : "000000",
      });
    }
    // The right code no longer helps: the sign-up was erased after the last wrong one.
    expect((await postForm(hub, "/prenumerera/sms/kod", other)).status).toBe(400);
    expect(await countOf(hub, "subscribers")).toBe(1);
  });

  test("an update fits the configured segments, keeps its link and carries an unsubscribe link", async () => {
    const incident = await openIncident(hub, "Vattenläcka i centrum");
    const before = hub.elks.sent.length;
    const long = "Vattnet är avstängt på Storgatan, Kyrkogatan och runt torget medan läckan lagas. ".repeat(8);
    const update = await publish(hub, incident.id, long);
    const sms = must(hub.elks.sent[before], "the update SMS");
    expect(sms.to).toBe("+46701234567");
    expect(countSms(sms.message).segments).toBeLessThanOrEqual(2);
    expect(sms.parts).toBeLessThanOrEqual(2);
    expect(sms.encoding).toBe("gsm7");
    expect(sms.message).toContain(update.url);
    expect(sms.message).toContain("...");
    expect(sms.message.startsWith("Exempelkommun: Vattenläcka i centrum\nVattnet är avstängt")).toBe(true);
    const unsubscribe = must(
      /Avsluta: (https:\/\/kris\.exempel\.se\/avsluta\/\S+)$/.exec(sms.message),
      "an unsubscribe link",
    )[1];

    // A gateway outage is retried with backoff, then sent.
    hub.elks.failNext(503, 1);
    const second = await publish(hub, incident.id, "Läckan är lagad.");
    const [waiting] = rowsOf<{ status: string }>(
      await hub.deps.db.execute(sql`select status from subscriber_messages where update_id = ${second.id}::uuid`),
    );
    expect(waiting.status).toBe("pending");
    hub.clock.advance(60_000);
    expect((await sendDue(hub)).sent).toBe(1);
    expect(hub.elks.sent.at(-1)?.message).toContain("Läckan är lagad.");

    // STOP by link: the page shows a button; pressing it erases the number.
    const page = await hub.app.request(new URL(unsubscribe).pathname, {}, { deps: hub.deps });
    expect(await page.text()).toContain("Avsluta prenumerationen");
    await postForm(hub, new URL(unsubscribe).pathname, {});
    expect(await countOf(hub, "subscribers")).toBe(0);
    expect(await tally(hub, "sms:unsubscribed")).toBe(1);
  });

  test("a number the gateway refuses is recorded without the number, and the hub's password never shows", async () => {
    const incident = await openIncident(hub, "Strömavbrott");
    const { ticket, code } = await signUp("0731112233");
    await postForm(hub, "/prenumerera/sms/kod", { ticket, code });
    hub.elks.unreachable.add("+46731112233");
    const update = await publish(hub, incident.id, "Strömmen är borta.");
    const [row] = rowsOf<{ status: string; message: string }>(
      await hub.deps.db.execute(
        sql`select status, message from subscriber_messages where update_id = ${update.id}::uuid`,
      ),
    );
    expect(row.status).toBe("refused");
    expect(row.message).toContain("Invalid to number");
    expect(row.message).not.toMatch(/46731112233|0731112233/);
    expect(hub.logLines.join("\n")).not.toMatch(/46731112233|sandbox-46elks-password/);
  });
});
