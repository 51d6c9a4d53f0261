// The moderation log in the staff interface, in-process: registering removed content with a
// reason in the policies' words, the Swedish notice to copy for its author, marking the author
// as told, the log's filters, and who may do what.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog, removals } from "../../src/db/schema";
import { escapeHtml } from "../../src/render/html";
import { startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addAccount, addDepartment, addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";
const CONTENT = "Ni på kommunen är  <b>idioter</b> allihop!\nSkäms!";

let hub: TestHub;
let anna: StaffBrowser;
let erik: StaffBrowser;
let rita: StaffBrowser;
const accountIds: Record<string, string> = {};

beforeAll(async () => {
  hub = await startTestHub();
  const school = await addDepartment(hub, "Barn- och utbildning");
  const culture = await addDepartment(hub, "Kultur och fritid");
  accountIds.central = (await addAccount(hub, { departmentId: null, platform: "facebook" })).id;
  accountIds.school = (await addAccount(hub, { departmentId: school, platform: "instagram" })).id;
  accountIds.culture = (await addAccount(hub, { departmentId: culture, platform: "mastodon" })).id;
  const communicator = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  const editor = await addPerson(hub, {
    role: "editor",
    name: "Erik Redaktör",
    password: PASSWORD,
    departmentIds: [school],
  });
  const registrar = await addPerson(hub, { role: "registrar", name: "Rita Registrator", password: PASSWORD });
  anna = await signInStaff(hub, communicator.email, PASSWORD);
  erik = await signInStaff(hub, editor.email, PASSWORD);
  rita = await signInStaff(hub, registrar.email, PASSWORD);
});
afterAll(() => hub.close());

describe("registering removed content", () => {
  test("the form offers the fixed reasons in the policies' words; bad input is Swedish, content kept exactly", async () => {
    const form = await anna.get("/staff/removals/new");
    expect(form.status).toBe(200);
    const text = textOf(form.html);
    for (const words of [
      "Sekretessbelagda uppgifter",
      "Stötande eller rasistiska ord och uttryck",
      "Personangrepp eller kränkningar",
      "Personuppgifter om någon som inte har gett sitt samtycke",
      "Brottsligt material eller olovligt nyttjande av upphovsrättsligt skyddat material",
      "Reklam eller inlägg som inte handlar om kanalens syfte",
    ]) {
      expect(text).toContain(words);
    }
    const bad = await anna.post("/staff/removals", {
      accountId: accountIds.central,
      author: "",
      content: CONTENT,
      link: "inte en länk",
    });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#author">Skriv vem som skrev innehållet');
    expect(bad.html).toContain('<a href="#reason">Välj skälet');
    expect(bad.html).toContain('<a href="#link">Länken ska vara en fullständig adress');
    expect(bad.html).toContain(`>${escapeHtml(CONTENT)}</textarea>`);
    expect(textOf(bad.html)).not.toContain("Det gick inte");

    const mismatch = await anna.post("/staff/removals", {
      accountId: accountIds.central,
      platform: "x",
      author: "Troll",
      content: CONTENT,
      reason: "personal_attack",
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.html).toContain('<a href="#platform">Kontot du valde finns på en annan plattform.');
    expect(await hub.deps.db.select().from(removals)).toHaveLength(0);
  });

  test("a registered removal keeps the content and shows the Swedish notice to copy for the author", async () => {
    const res = await anna.post("/staff/removals", {
      accountId: accountIds.central,
      link: "https://www.facebook.com/exempelkommun/posts/1#kommentar-9",
      author: "Troll Trollsson",
      content: CONTENT,
      reason: "personal_attack",
    });
    expect(res.status).toBe(303);
    const id = must(
      /^\/staff\/removals\/([0-9a-f-]{36})\?klart=registrerad$/.exec(res.location ?? ""),
      "the id in the redirect",
    )[1];
    const [row] = await hub.deps.db.select().from(removals).where(eq(removals.id, id));
    expect(row).toMatchObject({
      platform: "facebook",
      content: CONTENT,
      reason: "personal_attack",
      authorNotified: false,
    });
    const page = await anna.get(must(res.location, "a redirect"));
    expect(textOf(page.html)).toContain("Kopiera meddelandet nedan");
    expect(page.html).toMatch(/<textarea id="notice" rows="12" readonly[^>]*>Hej Troll Trollsson!/);
    expect(page.html).toContain(escapeHtml(must(row.notice, "the notice")));
    expect(row.notice).toContain("personangrepp eller kränkningar");
    expect(page.html).toContain('<label for="notice">');
    expect(page.html).toContain(`action="/staff/removals/${id}/author-notified"`);

    const told = await anna.post(`/staff/removals/${id}/author-notified`, {});
    expect(told.status).toBe(303);
    const [after] = await hub.deps.db.select().from(removals).where(eq(removals.id, id));
    expect(after.authorNotified).toBe(true);
    const again = await anna.get(must(told.location, "a redirect"));
    expect(textOf(again.html)).toContain("Det är antecknat att skribenten har fått veta.");
    expect(again.html).not.toContain("/author-notified");
    const actions = (await hub.deps.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["removal.registered", "removal.author_notified"]));
  });

  test("an editor registers removals only on their own department's accounts", async () => {
    const form = await erik.get("/staff/removals/new");
    expect(form.html).toContain(`value="${accountIds.school}"`);
    expect(form.html).not.toContain(`value="${accountIds.culture}"`);
    expect(form.html).not.toContain("Inget registrerat konto");
    const refused = await erik.post("/staff/removals", {
      accountId: accountIds.culture,
      author: "Någon",
      content: "Köp billiga solglasögon här!",
      reason: "advertising_off_topic",
    });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain(
      '<a href="#accountId">Som redaktör kan du bara registrera borttaget innehåll i din egen verksamhets konton.',
    );
    const ok = await erik.post("/staff/removals", {
      accountId: accountIds.school,
      author: "Reklambot",
      content: "Köp billiga solglasögon här!",
      reason: "advertising_off_topic",
      authorNotified: "on",
    });
    expect(ok.status).toBe(303);
    const [row] = await hub.deps.db.select().from(removals).where(eq(removals.author, "Reklambot"));
    expect(row).toMatchObject({ platform: "instagram", authorNotified: true });
  });
});

describe("the moderation log", () => {
  test("lists removals and filters them by platform, account, reason and day", async () => {
    const all = textOf((await rita.get("/staff/removals")).html);
    expect(all).toContain("2 registreringar.");
    expect(all).toContain("Troll Trollsson");
    expect(all).toContain("Reklambot");

    const byReason = textOf((await rita.get("/staff/removals?reason=personal_attack")).html);
    expect(byReason).toContain("1 registrering matchar filtret.");
    expect(byReason).toContain("Troll Trollsson");
    expect(byReason).not.toContain("Reklambot");

    const byPlatform = textOf((await rita.get("/staff/removals?platform=instagram")).html);
    expect(byPlatform).toContain("Reklambot");
    expect(byPlatform).not.toContain("Troll Trollsson");

    const byAccount = await rita.get(`/staff/removals?accountId=${accountIds.school}`);
    expect(byAccount.html).toMatch(new RegExp(`<option value="${accountIds.school}" selected>`));
    expect(textOf(byAccount.html)).toContain("Reklambot");

    // The test clock stands on 21 November 2026 (Stockholm).
    expect(textOf((await rita.get("/staff/removals?from=2026-11-21&to=2026-11-21")).html)).toContain(
      "2 registreringar matchar filtret.",
    );
    const before = await rita.get("/staff/removals?from=2026-11-01&to=2026-11-20");
    expect(textOf(before.html)).toContain("Inget borttaget innehåll matchar filtret.");
    expect(before.html).toContain('value="2026-11-20"');
  });

  test("a registrar reads the log but registers nothing; a viewer does not see it", async () => {
    const list = await rita.get("/staff/removals");
    expect(list.html).toContain('<a href="/staff/removals" aria-current="page">Moderering</a>');
    expect(list.html).not.toContain("/staff/removals/new");
    expect((await rita.get("/staff/removals/new")).status).toBe(403);
    const viewer = await addPerson(hub, { role: "viewer", password: PASSWORD });
    const vera = await signInStaff(hub, viewer.email, PASSWORD);
    expect((await vera.get("/staff")).html).not.toContain('href="/staff/removals"');
    expect((await vera.get("/staff/removals")).status).toBe(403);
  });
});
