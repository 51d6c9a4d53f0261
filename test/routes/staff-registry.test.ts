// The account registry and departments in the staff interface, in-process: registering an
// account with its platform's own fields, credentials that never come back into a page,
// editing without losing the stored credential, snapshots, closing (refused in Swedish until a
// fresh snapshot exists), and creating, renaming and retiring departments.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, auditLog, deliveries, departments, snapshots } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addAccount, addDepartment, addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";
const SECRET_PAGE_TOKEN = "EAAB-hemlig-sidtoken-4711";
const SECRET_USER_TOKEN = "EAAB-hemlig-anvandartoken-4712";

let hub: TestHub;
let ada: StaffBrowser;
let anna: StaffBrowser;
let school: string;
let adminEmail: string;
let annaEmail: string;

beforeAll(async () => {
  hub = await startTestHub();
  school = await addDepartment(hub, "Barn- och utbildning");
  const admin = await addPerson(hub, { role: "admin", name: "Ada Admin", password: PASSWORD });
  const communicator = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  adminEmail = admin.email;
  ada = await signInStaff(hub, admin.email, PASSWORD);
  annaEmail = communicator.email;
  anna = await signInStaff(hub, communicator.email, PASSWORD);
});
afterAll(() => hub.close());

async function accountRow(id: string) {
  const [row] = await hub.deps.db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}

const facebookForm = (overrides: Record<string, string> = {}) => ({
  platform: "facebook",
  handle: "Exempelskolan",
  departmentId: school,
  purpose: "Information till vårdnadshavare om förskola och skola.",
  publicUrl: "https://www.facebook.com/exempelskolan",
  baseUrl: "",
  "options.pageId": "100200300",
  "credential.pageAccessToken": SECRET_PAGE_TOKEN,
  "credential.userAccessToken": SECRET_USER_TOKEN,
  "editors.0.name": "Sara Lind",
  "editors.0.email": "sara.lind@exempelkommun.se",
  "editors.0.role": "editor",
  "editors.1.name": "Omar Haddad",
  "editors.1.email": "omar.haddad@exempelkommun.se",
  "editors.1.role": "editor",
  "editors.2.name": "Eva Berg",
  "editors.2.email": "eva.berg@exempelkommun.se",
  "editors.2.role": "deputy",
  ...overrides,
});

describe("registering an account", () => {
  test("first the platform, then exactly the fields its adapter needs, with the default API address", async () => {
    const picker = await ada.get("/staff/accounts/new");
    expect(picker.status).toBe(200);
    for (const platform of ["facebook", "instagram", "x", "linkedin", "mastodon", "bluesky", "threads", "telegram"]) {
      expect(picker.html).toContain(`href="/staff/accounts/new?platform=${platform}"`);
    }
    const form = await ada.get("/staff/accounts/new?platform=facebook");
    expect(form.html).toContain('name="options.pageId"');
    expect(form.html).toMatch(
      /<input id="credential-pageAccessToken" name="credential.pageAccessToken" type="password"/,
    );
    expect(form.html).toMatch(
      /<input id="credential-userAccessToken" name="credential.userAccessToken" type="password"/,
    );
    expect(textOf(form.html)).toContain("Lämna tomt för Facebooks standard: https://graph.facebook.com");
    // Rows for two editors and a deputy.
    for (const i of [0, 1, 2]) expect(form.html).toContain(`name="editors.${i}.email"`);
    expect(form.html).toMatch(
      /<select id="editors-2-role"[^>]*>\s*<option value="editor">Redaktör<\/option>\s*<option value="deputy" selected>/,
    );
    const bluesky = await ada.get("/staff/accounts/new?platform=bluesky");
    expect(bluesky.html).toContain('name="credential.appPassword" type="password"');
    expect(bluesky.html).not.toContain('name="options.');
    expect(textOf(bluesky.html)).toContain("https://bsky.social");
  });

  test("bad input comes back in Swedish with the input kept, but never the credential", async () => {
    await ada.get("/staff/accounts/new?platform=facebook");
    const malformed = await ada.post(
      "/staff/accounts",
      facebookForm({ "editors.1.email": "inte-en-adress", baseUrl: "ftp://fel.exempel.se" }),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.html).toContain("<title>Fel: Registrera ett konto på Facebook");
    expect(malformed.html).toContain('<a href="#editors-1-email">Redaktör 2: skriv en giltig e-postadress');
    expect(malformed.html).toContain('<a href="#baseUrl">Skriv en fullständig adress');
    expect(malformed.html).toContain('value="Omar Haddad"');
    // The platform's own rules are checked once the input is well-formed.
    const res = await ada.post(
      "/staff/accounts",
      facebookForm({ handle: "Exempel skolan!", "options.pageId": "", "credential.userAccessToken": "" }),
    );
    expect(res.status).toBe(400);
    expect(res.html).toContain('<a href="#handle">Skriv kontots namn så som det står på Facebook');
    expect(res.html).toContain('<a href="#options-pageId">Fyll i facebooksidans id.');
    expect(res.html).toContain('<a href="#credential-userAccessToken">Fyll i användarens åtkomsttoken.');
    expect(res.html).toMatch(/<input id="handle" name="handle"[^>]*value="Exempel skolan!"[^>]*aria-invalid="true"/);
    for (const page of [malformed, res]) {
      expect(page.html).not.toContain(SECRET_PAGE_TOKEN);
      expect(page.html).not.toContain(SECRET_USER_TOKEN);
      expect(textOf(page.html)).not.toMatch(/Det gick inte|Invalid|Must be|needs/);
    }
    expect(await hub.deps.db.select().from(accounts)).toHaveLength(0);
  });

  test("a good form registers the account with its editors; the credential is sealed and never shown", async () => {
    await ada.get("/staff/accounts/new?platform=facebook");
    const res = await ada.post("/staff/accounts", facebookForm());
    expect(res.status).toBe(303);
    const id = must(
      /^\/staff\/accounts\/([0-9a-f-]{36})\?klart=registrerat$/.exec(res.location ?? ""),
      "the id in the redirect",
    )[1];
    const row = await accountRow(id);
    expect(row).toMatchObject({
      platform: "facebook",
      handle: "Exempelskolan",
      departmentId: school,
      baseUrl: "https://graph.facebook.com",
      options: { pageId: "100200300" },
      purpose: "Information till vårdnadshavare om förskola och skola.",
    });
    expect(row.editors.map((e) => e.role)).toEqual(["editor", "editor", "deputy"]);
    expect(row.credentialCiphertext).toBeTruthy();
    expect(row.credentialCiphertext).not.toContain(SECRET_PAGE_TOKEN);
    const page = await ada.get(must(res.location, "a redirect"));
    const text = textOf(page.html);
    expect(text).toContain("Kontot är registrerat.");
    expect(text).toContain("Sara Lind (redaktör");
    expect(text).toContain("Eva Berg (ersättare");
    expect(text).toContain("Sparad (visas aldrig)");
    const edit = await ada.get(`/staff/accounts/${id}/edit`);
    for (const html of [page.html, edit.html]) {
      expect(html).not.toContain(SECRET_PAGE_TOKEN);
      expect(html).not.toContain(SECRET_USER_TOKEN);
    }
    const [audit] = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, "account.registered"));
    expect(audit.entityId).toBe(id);
    // The public list of channels shows it at once.
    const channels = await hub.app.request("/channels", {}, { deps: hub.deps });
    expect(await channels.text()).toContain("Exempelskolan");

    const again = await ada.post("/staff/accounts", facebookForm({ handle: "exempelskolan" }));
    expect(again.status).toBe(409);
    expect(again.html).toContain('<a href="#handle">Kontot exempelskolan är redan registrerat');
  });

  test("editing: empty login fields keep the stored credential; a new one is stored and must be checked again", async () => {
    const [row] = await hub.deps.db.select().from(accounts).where(eq(accounts.handle, "Exempelskolan"));
    await hub.deps.db
      .update(accounts)
      .set({ rightsStatus: "ok", rightsCheckedAt: hub.clock.now() })
      .where(eq(accounts.id, row.id));
    const form = await ada.get(`/staff/accounts/${row.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('value="Exempelskolan"');
    expect(form.html).toContain('value="https://graph.facebook.com"');
    expect(textOf(form.html)).toContain("Lämna fälten tomma för att behålla den");
    // Every editor, and a free row for one more.
    expect(form.html).toContain('name="editors.3.name"');

    const kept = await ada.post(
      `/staff/accounts/${row.id}/edit`,
      facebookForm({
        purpose: "Skolans kanal för vårdnadshavare.",
        "credential.pageAccessToken": "",
        "credential.userAccessToken": "",
        "editors.3.name": "Nils Nyström",
        "editors.3.email": "nils.nystrom@exempelkommun.se",
        "editors.3.role": "editor",
      }),
    );
    expect(kept.status).toBe(303);
    expect(kept.location).toBe(`/staff/accounts/${row.id}?klart=sparat`);
    const afterKeep = await accountRow(row.id);
    expect(afterKeep.credentialCiphertext).toBe(row.credentialCiphertext);
    expect(afterKeep.rightsStatus).toBe("ok");
    expect(afterKeep.purpose).toBe("Skolans kanal för vårdnadshavare.");
    expect(afterKeep.editors).toHaveLength(4);

    const half = await ada.post(
      `/staff/accounts/${row.id}/edit`,
      facebookForm({ "credential.pageAccessToken": "EAAB-ny-sidtoken", "credential.userAccessToken": "" }),
    );
    expect(half.status).toBe(400);
    expect(half.html).toContain('<a href="#credential-userAccessToken">Fyll i användarens åtkomsttoken.');
    expect(half.html).not.toContain("EAAB-ny-sidtoken");
    expect((await accountRow(row.id)).credentialCiphertext).toBe(row.credentialCiphertext);

    const replaced = await ada.post(
      `/staff/accounts/${row.id}/edit`,
      facebookForm({ "credential.pageAccessToken": "EAAB-ny-sidtoken", "credential.userAccessToken": "EAAB-ny" }),
    );
    expect(replaced.status).toBe(303);
    expect(replaced.location).toBe(`/staff/accounts/${row.id}?klart=inloggning`);
    const afterReplace = await accountRow(row.id);
    expect(afterReplace.credentialCiphertext).not.toBe(row.credentialCiphertext);
    expect(afterReplace.rightsStatus).toBe("unknown");
    expect(afterReplace.rightsCheckedAt).toBeNull();
    const [audit] = await hub.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "account.edited"))
      .orderBy(auditLog.id)
      .then((rows) => rows.slice(-1));
    expect(JSON.stringify(audit)).not.toContain("EAAB-ny-sidtoken");
  });

  test("a communicator may read the registry but not change it", async () => {
    const list = await anna.get("/staff/accounts");
    expect(list.status).toBe(200);
    expect(list.html).not.toContain('href="/staff/accounts/new"');
    expect(list.html).not.toContain('href="/staff/departments"');
    expect((await anna.get("/staff/accounts/new?platform=x")).status).toBe(403);
    const refused = await anna.post("/staff/accounts", { platform: "x", handle: "exempelkommun" });
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain("Din roll ger inte behörighet");
    expect(await hub.deps.db.select().from(accounts).where(eq(accounts.handle, "exempelkommun"))).toHaveLength(0);
    const [row] = await hub.deps.db.select().from(accounts).limit(1);
    const page = await anna.get(`/staff/accounts/${row.id}`);
    expect(page.html).not.toContain("/edit");
    expect(page.html).not.toContain(`action="/staff/accounts/${row.id}/close"`);
  });
});

describe("snapshots and closing an account", () => {
  test("closing without a fresh snapshot is refused in Swedish with the button to take one; then it closes", async () => {
    const account = await addAccount(hub, { departmentId: school, platform: "mastodon" });
    await ada.get(`/staff/accounts/${account.id}`);
    const refused = await ada.post(`/staff/accounts/${account.id}/close`, {
      reason: "Skolan samlar allt på huvudkontot.",
    });
    expect(refused.status).toBe(409);
    const text = textOf(refused.html);
    expect(text).toContain("Kontot måste arkiveras innan det stängs, och det har ingen ögonblicksbild.");
    expect(refused.html).toContain('<a href="#ta-bild">');
    expect(refused.html).toMatch(
      new RegExp(`<form method="post" action="/staff/accounts/${account.id}/snapshots">.*id="ta-bild"`),
    );
    expect(refused.html).toContain('value="Skolan samlar allt på huvudkontot."');
    expect(text).not.toContain("snapshot");

    const taken = await ada.post(`/staff/accounts/${account.id}/snapshots`, {});
    expect(taken.status).toBe(303);
    const withSnapshot = await ada.get(must(taken.location, "a redirect"));
    expect(textOf(withSnapshot.html)).toContain("Ögonblicksbilden är tagen");
    const [snapshot] = await hub.deps.db.select().from(snapshots).where(eq(snapshots.accountId, account.id));
    expect(withSnapshot.html).toContain(`/api/v1/accounts/${account.id}/snapshots/${snapshot.id}`);

    const noReason = await ada.post(`/staff/accounts/${account.id}/close`, { reason: "" });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('<a href="#reason">Skriv varför kontot stängs');

    const closed = await ada.post(`/staff/accounts/${account.id}/close`, {
      reason: "Skolan samlar allt på huvudkontot.",
    });
    expect(closed.status).toBe(303);
    expect(closed.location).toBe(`/staff/accounts/${account.id}?klart=stangt`);
    expect((await accountRow(account.id)).status).toBe("closed");
    const [farewell] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.accountId, account.id));
    expect(farewell.kind).toBe("farewell");
    expect(farewell.sentText).toContain("Skolan samlar allt på huvudkontot");
    expect(hub.signalled.flat()).toContain(farewell.id);
    const page = textOf((await ada.get(must(closed.location, "a redirect"))).html);
    expect(page).toContain("Kontot är stängt.");
    expect(page).toContain("Skäl: Skolan samlar allt på huvudkontot.");
    expect(page).not.toContain("Stäng kontot");
  });

  test("a snapshot older than a week is not enough, and says so in Swedish", async () => {
    const account = await addAccount(hub, { departmentId: null, platform: "x" });
    await ada.get(`/staff/accounts/${account.id}`);
    expect((await ada.post(`/staff/accounts/${account.id}/snapshots`, {})).status).toBe(303);
    hub.clock.advance(8 * 86_400_000);
    // Sessions last 12 hours: sign in again a week later.
    ada = await signInStaff(hub, adminEmail, PASSWORD);
    anna = await signInStaff(hub, annaEmail, PASSWORD);
    const refused = await ada.post(`/staff/accounts/${account.id}/close`, { reason: "Kontot används inte längre." });
    expect(refused.status).toBe(409);
    expect(textOf(refused.html)).toMatch(
      /Den senaste ögonblicksbilden \(\d+ november 2026 kl\. \d\d:\d\d\) är äldre än 7 dagar/,
    );
    expect((await accountRow(account.id)).status).toBe("active");
  });

  test("a registrar sees the snapshots but has no close form", async () => {
    const registrar = await addPerson(hub, { role: "registrar", password: PASSWORD });
    const rita = await signInStaff(hub, registrar.email, PASSWORD);
    const [row] = await hub.deps.db.select().from(accounts).where(eq(accounts.status, "closed"));
    const page = await rita.get(`/staff/accounts/${row.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('id="ogonblicksbilder"');
    expect(page.html).not.toContain("/close");
  });
});

describe("departments", () => {
  test("an admin creates, renames and retires departments; refusals are Swedish", async () => {
    const list = await ada.get("/staff/departments");
    expect(list.status).toBe(200);
    expect(textOf(list.html)).toContain("Barn- och utbildning");
    const short = await ada.post("/staff/departments", { name: "A" });
    expect(short.status).toBe(400);
    expect(short.html).toContain('<a href="#name">Skriv verksamhetens namn');
    const made = await ada.post("/staff/departments", { name: "Samhällsbyggnad" });
    expect(made.status).toBe(303);
    const [created] = await hub.deps.db.select().from(departments).where(eq(departments.name, "Samhällsbyggnad"));
    const dup = await ada.post("/staff/departments", { name: "samhällsbyggnad" });
    expect(dup.status).toBe(409);
    expect(dup.html).toContain("Det finns redan en verksamhet som heter ”samhällsbyggnad”.");

    await ada.get("/staff/departments");
    const clash = await ada.post(`/staff/departments/${created.id}/rename`, { name: "Barn- och utbildning" });
    expect(clash.status).toBe(409);
    expect(clash.html).toContain(`<a href="#name-${created.id}">Det finns redan en verksamhet`);
    expect(clash.html).toMatch(
      new RegExp(`id="name-${created.id}"[^>]*value="Barn- och utbildning"[^>]*aria-invalid="true"`),
    );
    const renamed = await ada.post(`/staff/departments/${created.id}/rename`, {
      name: "Samhällsbyggnadsförvaltningen",
    });
    expect(renamed.status).toBe(303);
    expect(textOf((await ada.get(must(renamed.location, "a redirect"))).html)).toContain("Verksamheten har bytt namn.");

    // The school still owns an active account (registered above): it cannot be retired.
    const owned = await ada.post(`/staff/departments/${school}/retire`, {});
    expect(owned.status).toBe(409);
    expect(owned.html).toContain(
      `<a href="#retire-${school}">Verksamheten äger fortfarande aktiva konton (facebook Exempelskolan)`,
    );
    const retired = await ada.post(`/staff/departments/${created.id}/retire`, {});
    expect(retired.status).toBe(303);
    const after = textOf((await ada.get(must(retired.location, "a redirect"))).html);
    expect(after).toContain("Verksamheten är avvecklad.");
    expect(after).toMatch(/Avvecklade Samhällsbyggnadsförvaltningen – avvecklad/);
    const actions = (await hub.deps.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["department.created", "department.renamed", "department.retired"]));
  });

  test("departments are for admins only", async () => {
    expect((await anna.get("/staff/departments")).status).toBe(403);
    await anna.get("/staff");
    expect((await anna.post("/staff/departments", { name: "Kultur" })).status).toBe(403);
    const admin = api(hub, hub.token);
    const names = (await admin.get("/api/v1/departments")).json.departments.map((d: { name: string }) => d.name);
    expect(names).not.toContain("Kultur");
  });
});
