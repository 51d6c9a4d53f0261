// Email subscriptions over real SMTP: the confirmation, the double opt-in, an update as text and
// HTML with the permalink, RFC 8058 one-click unsubscribe, and refusals that end a subscription.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rowsOf } from "../../src/db/client";
import { MAX_HARD_FAILURES, sendDueSubscriberMessages } from "../../src/domain/subscribers/outbox";
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
  hub = await startSubscriberHub();
});
afterAll(() => hub.stop());

const base = "https://kris.exempel.se";

async function signUpAndConfirm(address: string, fields: Record<string, string> = {}) {
  const before = hub.smtp.messages.length;
  const res = await postForm(hub, "/prenumerera/e-post", { email: address, ...fields });
  expect(res.status).toBe(200);
  await hub.settle();
  const [mail] = (await hub.smtp.waitFor(before + 1)).slice(before);
  const link = must(
    /https:\/\/kris\.exempel\.se(\/prenumerera\/bekrafta\/\S+)/.exec(mail.text ?? ""),
    "a confirmation link",
  )[1];
  const confirmed = await postForm(hub, link, {});
  expect(confirmed.status).toBe(200);
  return { mail, link };
}

describe("email subscriptions", () => {
  test("double opt-in: only a confirmation goes to an unconfirmed address, and the link needs a button press", async () => {
    const incident = await openIncident(hub, "Strömavbrott i Norrby");
    const res = await postForm(hub, "/prenumerera/e-post", { email: "Anna.Svensson@Exempel.SE" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Bekräfta i din e-post");
    await hub.settle();
    const [confirmation] = await hub.smtp.waitFor(1);
    expect(confirmation.to && "text" in confirmation.to ? confirmation.to.text : "").toBe("Anna.Svensson@exempel.se");
    expect(confirmation.subject).toContain("Bekräfta din prenumeration");
    expect(confirmation.html).toContain('<a href="https://kris.exempel.se/prenumerera/bekrafta/');
    const link = must(
      /https:\/\/kris\.exempel\.se(\/prenumerera\/bekrafta\/\S+)/.exec(confirmation.text ?? ""),
      "a confirmation link",
    )[1];

    // Unconfirmed: a publish queues nothing for it.
    await publish(hub, incident.id, "Strömmen är borta i Norrby.");
    expect(await countOf(hub, "subscriber_messages")).toBe(0);
    expect(hub.smtp.messages).toHaveLength(1);

    // A scanner opening the link confirms nothing.
    const shown = await hub.app.request(link, {}, { deps: hub.deps });
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('<button type="submit">Bekräfta prenumerationen</button>');
    expect(await countOf(hub, "subscribers where status = 'confirmed'")).toBe(0);

    const confirmed = await postForm(hub, link, {});
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Du prenumererar nu");
    // The link works once.
    expect((await postForm(hub, link, {})).status).toBe(410);
  });

  test("an update arrives as plain text and HTML with the permalink and RFC 8058 unsubscribe headers", async () => {
    const incident = await openIncident(hub, "Vattenläcka på Storgatan");
    const before = hub.smtp.messages.length;
    const update = await publish(
      hub,
      incident.id,
      "Vattnet är avstängt på Storgatan.\n\nDricksvatten finns vid skolan.",
    );
    const [mail] = (await hub.smtp.waitFor(before + 1)).slice(before);
    expect(mail.subject).toBe("Vattenläcka på Storgatan: Uppdatering");
    expect(mail.from?.text).toContain("krisinfo@exempel.se");
    expect(mail.text).toContain("Vattnet är avstängt på Storgatan.");
    expect(mail.text).toContain(update.url);
    expect(mail.html).toContain(`<a href="${update.url}">`);
    expect(mail.html).toContain('<html lang="sv">');
    expect(mail.html).toContain("<p>Dricksvatten finns vid skolan.</p>");
    const raw = Object.fromEntries(mail.headerLines.map((h) => [h.key, h.line.slice(h.key.length + 1).trim()]));
    const unsubscribe = must(
      /^<(https:\/\/kris\.exempel\.se\/avsluta\/[A-Za-z0-9_-]+)>$/.exec(raw["list-unsubscribe"]),
      "a List-Unsubscribe URL",
    )[1];
    expect(raw["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail.text).toContain(unsubscribe);
    expect(mail.html).toContain(`href="${unsubscribe}"`);
    const [row] = rowsOf<{ status: string; sent_at: unknown }>(
      await hub.deps.db.execute(
        sql`select status, sent_at from subscriber_messages where update_id = ${update.id}::uuid`,
      ),
    );
    expect(row.status).toBe("sent");

    // One click from the mail program: a POST with no origin and no cookie, as RFC 8058 describes.
    const res = await hub.app.request(
      new URL(unsubscribe).pathname,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      },
      { deps: hub.deps },
    );
    expect(res.status).toBe(200);
    expect(await countOf(hub, "subscribers")).toBe(0);
    expect(await tally(hub, "email:unsubscribed")).toBe(1);
    // Nothing more is sent to the erased address.
    const after = hub.smtp.messages.length;
    await publish(hub, incident.id, "Vattnet är tillbaka.");
    await sendDue(hub);
    expect(hub.smtp.messages).toHaveLength(after);
    // What was sent is still counted, without anyone's address.
    expect(await countOf(hub, `subscriber_messages where update_id = '${update.id}' and status = 'sent'`)).toBe(1);
  });

  test("the address is sealed at rest: neither it nor its local part is readable in the row", async () => {
    await signUpAndConfirm("sealed.person@exempel.se");
    const rows = rowsOf<Record<string, unknown>>(await hub.deps.db.execute(sql`select * from subscribers`));
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toMatch(/sealed\.person|exempel\.se/i);
    await hub.deps.db.execute(sql`delete from subscribers`);
  });

  test("a temporary refusal (451) is retried later; repeated permanent refusals (550) end the subscription", async () => {
    const incident = await openIncident(hub, "Storm över kusten");
    await signUpAndConfirm("bo@exempel.se");
    hub.smtp.refuse.set("bo@exempel.se", 451);
    const first = await publish(hub, incident.id, "Blåsten ökar under kvällen.");
    const [waiting] = rowsOf<{ status: string; attempts: number; message: string }>(
      await hub.deps.db.execute(
        sql`select status, attempts, message from subscriber_messages where update_id = ${first.id}::uuid`,
      ),
    );
    expect(waiting).toMatchObject({ status: "pending", attempts: 1 });
    // The server's refusal quotes the recipient: it is blanked before it is stored.
    expect(waiting.message).toContain("451");
    expect(waiting.message).not.toContain("bo@exempel.se");
    hub.smtp.refuse.delete("bo@exempel.se");
    hub.clock.advance(60_000);
    const before = hub.smtp.messages.length;
    expect((await sendDue(hub)).sent).toBe(1);
    expect((await hub.smtp.waitFor(before + 1))[before].text).toContain("Blåsten ökar");

    hub.smtp.refuse.set("bo@exempel.se", 550);
    for (let i = 1; i <= MAX_HARD_FAILURES; i++) {
      hub.clock.advance(60_000);
      await publish(hub, incident.id, `Uppdatering ${i} om stormen.`);
      expect(await countOf(hub, "subscribers")).toBe(i < MAX_HARD_FAILURES ? 1 : 0);
    }
    expect(await countOf(hub, "subscriber_messages where status = 'refused'")).toBe(MAX_HARD_FAILURES);
    expect(await tally(hub, "email:refused")).toBe(1);
    const logged = hub.logLines.join("\n");
    expect(logged).toContain("a subscriber message failed");
    expect(logged).not.toContain("bo@exempel.se");
  });

  test("a subscription to one incident gets that incident's updates only", async () => {
    const water = await openIncident(hub, "Kokvatten i Söderby");
    const other = await openIncident(hub, "Vägarbete på E4");
    await signUpAndConfirm("cecilia@exempel.se", { incident: water.slug });
    const before = hub.smtp.messages.length;
    await publish(hub, other.id, "Ett körfält är stängt.");
    await publish(hub, water.id, "Koka vattnet innan du dricker det.");
    const mails = (await hub.smtp.waitFor(before + 1)).slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toContain("Kokvatten i Söderby");
  });
});

test("a message whose answer was lost after the data went out is marked unconfirmed and never sent twice", async () => {
  const incident = await openIncident(hub, "Gasläcka");
  await signUpAndConfirm("dan@exempel.se");
  const real = hub.deps.mail;
  let calls = 0;
  // The connection drops after DATA: the message may be in the inbox already.
  hub.deps.mail = {
    send: async () => {
      calls++;
      return { ok: false, code: "ECONNRESET", message: "Connection closed", afterData: true };
    },
  };
  try {
    const update = await publish(hub, incident.id, "Håll dig inomhus.");
    hub.clock.advance(3_600_000);
    await sendDue(hub);
    expect(calls).toBe(1);
    const [row] = rowsOf<{ status: string; failure_class: string }>(
      await hub.deps.db.execute(
        sql`select status, failure_class from subscriber_messages where update_id = ${update.id}::uuid`,
      ),
    );
    expect(row).toEqual({ status: "unconfirmed", failure_class: "unconfirmed" });
  } finally {
    hub.deps.mail = real;
    await hub.deps.db.execute(sql`delete from subscribers`);
  }
});

test("a batch that outlasts its lease sends nothing another sender has taken over", async () => {
  const incident = await openIncident(hub, "Översvämning vid ån");
  const addresses = Array.from({ length: 8 }, (_, i) => `lease${i}@exempel.se`);
  for (const address of addresses) await signUpAndConfirm(address);
  const real = must(hub.deps.mail, "the SMTP transport");
  const before = hub.smtp.messages.length;
  let takenOver = false;
  let sentByFirstAfterTakeover = 0;
  let takeover: Promise<unknown> | undefined;
  hub.deps.mail = {
    close: () => real.close?.(),
    send: async (message) => {
      if (takenOver) sentByFirstAfterTakeover++;
      // The SMTP server stalls on the first sender's messages past the batch's 5-minute lease, and
      // another sender (with an SMTP connection of its own) takes the batch over and sends it.
      takeover ??= (async () => {
        hub.clock.advance(6 * 60_000);
        await sendDueSubscriberMessages({ ...hub.deps, mail: real }, "the-other-sender");
        takenOver = true;
      })();
      await takeover;
      return real.send(message);
    },
  };
  try {
    await publish(hub, incident.id, "Vattnet stiger vid ån; håll er borta från strandkanten.");
    await sendDue(hub);
    // Only what the first sender had in flight when it lost the lease can arrive twice (the
    // messages its parallel lanes had begun); it starts nothing after that.
    expect(takenOver).toBe(true);
    expect(sentByFirstAfterTakeover).toBe(0);
    const mails = (await hub.smtp.waitFor(before + addresses.length)).slice(before);
    const to = (m: (typeof mails)[number]) => (m.to && "text" in m.to ? m.to.text : "");
    for (const address of addresses) expect(mails.filter((m) => to(m) === address).length, address).toBeGreaterThan(0);
    const rows = rowsOf<{ status: string; n: number }>(
      await hub.deps.db.execute(
        sql`select status, count(*)::int as n from subscriber_messages m join updates u on u.id = m.update_id
            where u.incident_id = ${incident.id}::uuid group by status`,
      ),
    );
    expect(rows).toEqual([{ status: "sent", n: addresses.length }]);
  } finally {
    hub.deps.mail = real;
    await hub.deps.db.execute(sql`delete from subscribers`);
  }
});

describe("the sign-up page", () => {
  test("offers email and SMS forms, for all incidents or one", async () => {
    const incident = await openIncident(hub, "Brand i industriområdet");
    const html = await (await hub.app.request("/prenumerera", {}, { deps: hub.deps })).text();
    expect(html).toContain(`action="${base}/prenumerera/e-post"`);
    expect(html).toContain(`action="${base}/prenumerera/sms"`);
    expect(html).toContain(`<option value="${incident.slug}">Brand i industriområdet</option>`);
    const one = await hub.app.request(`/incidents/${incident.slug}/prenumerera`, {}, { deps: hub.deps });
    expect(one.status).toBe(200);
    expect(await one.text()).toContain(`<input type="hidden" name="incident" value="${incident.slug}">`);
    const page = await (await hub.app.request(`/incidents/${incident.slug}`, {}, { deps: hub.deps })).text();
    expect(page).toContain(`href="${base}/incidents/${incident.slug}/prenumerera"`);
  });
});
