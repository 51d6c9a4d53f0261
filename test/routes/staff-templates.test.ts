// Opening an incident from a template in the staff pages: the list, the incident form with the
// title pattern filled, compose with the first update's text and its placeholders pointed out,
// and publishing refused until every placeholder is filled in.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { incidents, messageTemplates, updates } from "../../src/db/schema";
import { seedStarterTemplates } from "../../src/domain/publishing/starter-templates";
import { startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addAccount, addDepartment, addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";

let hub: TestHub;
let anna: StaffBrowser;
let accountId: string;

beforeAll(async () => {
  hub = await startTestHub();
  await seedStarterTemplates(hub.deps.db, hub.clock.now());
  accountId = (await addAccount(hub, { departmentId: null, platform: "mastodon" })).id;
  const person = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  anna = await signInStaff(hub, person.email, PASSWORD);
});
afterAll(() => hub.close());

async function templateNamed(name: string) {
  const [row] = await hub.deps.db.select().from(messageTemplates).where(eq(messageTemplates.name, name));
  return must(row, name);
}

describe("opening an incident from a template", () => {
  test("title filled, placeholders pointed out, refused until filled, then published", async () => {
    const template = await templateNamed("Vattenavstängning");
    const list = await anna.get("/staff/templates");
    expect(list.status).toBe(200);
    expect(list.html).toContain(`href="/staff/incidents/new?mall=${template.id}"`);
    expect((await anna.get("/staff/incidents")).html).toContain('href="/staff/templates"');

    const form = await anna.get(`/staff/incidents/new?mall=${template.id}`);
    expect(form.html).toContain('value="Inget vatten i {område}"');
    expect(form.html).toContain("<mark><code>{område}</code></mark>");
    expect(form.html).toContain(`name="mall" value="${template.id}"`);

    const unfilled = await anna.post("/staff/incidents", {
      title: "Inget vatten i {område}",
      severity: "major",
      mall: template.id,
    });
    expect(unfilled.status).toBe(400);
    expect(textOf(unfilled.html)).toContain("Fyll i {område} innan du publicerar.");
    expect(await hub.deps.db.select().from(incidents)).toHaveLength(0);

    const opened = await anna.post("/staff/incidents", {
      title: "Inget vatten i Norrby",
      severity: "major",
      mall: template.id,
    });
    expect(opened.status).toBe(303);
    const location = must(opened.location, "redirect");
    expect(location).toMatch(new RegExp(`/updates/new\\?oppnad=1&mall=${template.id}$`));
    const incidentId = must(/incidents\/([0-9a-f-]{36})\//.exec(location), "incident id")[1];

    const compose = await anna.get(location);
    expect(compose.status).toBe(200);
    expect(compose.html).toContain("Det finns inget vatten i kranarna i {område} just nu.");
    for (const p of ["område", "orsak", "tid", "plats", "webbplats"])
      expect(compose.html).toContain(`<mark><code>{${p}}</code></mark>`);
    expect(textOf(compose.html)).toContain("Spara vatten.");

    const publish = { action: "publish", kind: "update", targetMode: "picked", accountIds: accountId };
    const refused = await anna.post(`/staff/incidents/${incidentId}/updates`, {
      ...publish,
      body: template.firstUpdate,
    });
    expect(refused.status).toBe(400);
    expect(textOf(refused.html)).toContain("Fyll i {område} innan du publicerar.");
    expect(await hub.deps.db.select().from(updates)).toHaveLength(0);

    const body = template.firstUpdate
      .replace("{område}", "Norrby")
      .replace("{orsak}", "en vattenläcka")
      .replace("{tid}", "i kväll klockan 18")
      .replace("{plats}", "Norrby skola")
      .replace("{webbplats}", "exempelkommun.se/kris");
    const published = await anna.post(`/staff/incidents/${incidentId}/updates`, { ...publish, body });
    expect(published.status).toBe(303);
    const [stored] = await hub.deps.db.select().from(updates).where(eq(updates.incidentId, incidentId));
    expect(stored.body).toBe(body);
  });

  test("an editor starts an update of an open incident from a template: the all-clear text, placeholders marked", async () => {
    const template = await templateNamed("Strömavbrott");
    const [incident] = await hub.deps.db.select().from(incidents);
    const department = await addDepartment(hub, "Tekniska förvaltningen");
    const person = await addPerson(hub, {
      role: "editor",
      name: "Erik Redaktör",
      password: PASSWORD,
      departmentIds: [department],
    });
    const erik = await signInStaff(hub, person.email, PASSWORD);
    const fresh = await erik.get(`/staff/incidents/${incident.id}/updates/new`);
    expect(fresh.html).toContain(`<option value="${template.id}">Strömavbrott</option>`);
    const picked = await erik.get(`/staff/incidents/${incident.id}/updates/new?kind=all_clear&mall=${template.id}`);
    expect(picked.status).toBe(200);
    expect(picked.html).toContain("Strömmen är tillbaka i {område}. Tack för ditt tålamod.");
    expect(picked.html).toContain("<mark><code>{område}</code></mark>");
    expect(picked.html).not.toContain('id="mall-val"');
    expect(await erik.get(`/staff/incidents/${incident.id}/updates/new?mall=${crypto.randomUUID()}`)).toMatchObject({
      status: 404,
    });
  });

  test("a communicator adds, changes and retires a template in the staff pages; a typo'd placeholder is named", async () => {
    const fields = {
      name: "Skred",
      crisisType: "other",
      titlePattern: "Skred vid {plats}",
      severity: "major",
      firstUpdate: "Det har gått ett skred vid {plats}. Håll dig borta från {omrde}.",
      phrases: "Håll dig borta från området.\nLyssna på P4.",
      allClear: "",
      "variants.x": "",
    };
    const refused = await anna.post("/staff/templates", fields);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<a href="#firstUpdate">Platshållaren {omrde} finns inte.');
    expect(refused.html).toContain("Håll dig borta från {omrde}.");

    const created = await anna.post("/staff/templates", {
      ...fields,
      firstUpdate: "Det har gått ett skred vid {plats}.",
    });
    expect(created).toMatchObject({ status: 303, location: "/staff/templates?klart=skapad" });
    const row = await templateNamed("Skred");
    expect(row.phrases).toEqual(["Håll dig borta från området.", "Lyssna på P4."]);
    expect(row.variants).toEqual({});

    const form = await anna.get(`/staff/templates/${row.id}`);
    expect(form.html).toContain("Håll dig borta från området.\nLyssna på P4.");
    const changed = await anna.post(`/staff/templates/${row.id}`, {
      ...fields,
      firstUpdate: "Skred vid {plats}.",
      "variants.x": "Skred vid {plats}!",
    });
    expect(changed.status).toBe(303);
    expect(await templateNamed("Skred")).toMatchObject({
      firstUpdate: "Skred vid {plats}.",
      variants: { x: "Skred vid {plats}!" },
    });

    expect((await anna.post(`/staff/templates/${row.id}/retire`, {})).location).toBe(
      "/staff/templates?klart=arkiverad",
    );
    expect((await anna.get("/staff/templates")).html).not.toContain(`/staff/templates/${row.id}"`);
    expect((await templateNamed("Skred")).retiredAt).not.toBeNull();
  });

  test("a viewer does not see the templates", async () => {
    const person = await addPerson(hub, { role: "viewer", name: "Vera Läsare", password: PASSWORD });
    const vera = await signInStaff(hub, person.email, PASSWORD);
    expect((await vera.get("/staff/templates")).status).toBe(403);
  });
});
