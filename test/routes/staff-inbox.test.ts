// Inkorgen in the staff interface: the list with deadlines highlighted, answering with the page's
// CSRF token, a refused form without it, and "Svara alla i en uppdatering" opening the compose form.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inboxItems } from "../../src/db/schema";
import { collectDueInboxes, INBOX_POLL_MS } from "../../src/domain/inbox/collect";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { type FanoutHub, startFanoutHub } from "../dispatcher/fanout-hub";
import { addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";
let hub: FanoutHub;
let anna: StaffBrowser;
let sandbox: RunningSandbox;

beforeAll(async () => {
  // The stand-in dates replies on the hub's clock, so deadlines are read on one clock.
  let now = () => Date.now();
  sandbox = await startSandbox({ now: () => now() });
  hub = await startFanoutHub({ platforms: ["mastodon"], sandbox });
  now = () => hub.clock.now().getTime();
  hub.deps.defer = () => {};
  await hub.post("Vattnet är avstängt på Storgatan.");
  await hub.drain();
  hub.sandbox.reply("mastodon", { text: "Gäller det Norrby?", author: "anna" });
  hub.clock.advance(INBOX_POLL_MS);
  await collectDueInboxes(hub.deps);
  const communicator = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  anna = await signInStaff(hub, communicator.email, PASSWORD);
});
afterAll(async () => {
  await hub.close();
  await sandbox.close();
});

describe("/staff/inbox", () => {
  test("lists the item with its incident and deadline; one about to pass is highlighted", async () => {
    const page = await anna.get("/staff/inbox");
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Gäller det Norrby?");
    expect(textOf(page.html)).toContain("Vattenläcka på Storgatan");
    expect(page.html).toContain("deadline-ok");
    const [item] = await hub.deps.db.select().from(inboxItems);
    hub.clock.set(new Date(item.deadlineAt.getTime() - 10 * 60_000));
    const later = await anna.get("/staff/inbox");
    expect(later.html).toContain("deadline-soon");
    expect(textOf(later.html)).toContain("Snart försenat");
  });

  test("answering needs the CSRF token; with it the answer is queued", async () => {
    const page = await anna.get("/staff/inbox");
    const id = /id="post-([0-9a-f-]{36})"/.exec(page.html)?.[1];
    expect(id).toBeTruthy();
    const forged = await anna.post(`/staff/inbox/${id}/answer`, { text: "Ja." }, { csrf: null });
    expect(forged.status).toBe(403);
    const sent = await anna.post(`/staff/inbox/${id}/answer`, { text: "Ja, Norrby omfattas." });
    expect(sent.status).toBe(303);
    const after = await anna.get(sent.location ?? "/staff/inbox");
    expect(textOf(after.html)).toContain("Svaret är köat");
    expect(textOf(after.html)).toContain("Ja, Norrby omfattas.");
  });

  test("an empty answer comes back with the Swedish error at the item", async () => {
    const page = await anna.get("/staff/inbox");
    const id = /id="post-([0-9a-f-]{36})"/.exec(page.html)?.[1];
    const res = await anna.post(`/staff/inbox/${id}/no-answer-needed`, { reason: "" });
    expect(res.status).toBe(303);
    expect(res.location).toContain("fel=");
  });

  test("Svara alla i en uppdatering opens the compose form with the question and no author", async () => {
    const page = await anna.get("/staff/inbox");
    const link = /href="(\/staff\/incidents\/[^"]+\?fraga=[^"]+)"/.exec(page.html)?.[1];
    expect(link).toBeTruthy();
    const compose = await anna.get((link as string).replace(/&amp;/g, "&"));
    expect(compose.status).toBe(200);
    expect(compose.html).toContain("Gäller det Norrby?");
    expect(compose.html).not.toContain("@anna");
  });
});
