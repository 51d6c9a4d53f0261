// Running the hub from the staff interface, in-process: editing an incident, the kill switch on
// the dashboard (and the banner that leads back to it), the four-eyes setting, and the one
// Content-Security-Policy every staff response carries.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog, incidents, organisations } from "../../src/db/schema";
import { startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";

let hub: TestHub;
let ada: StaffBrowser;
let anna: StaffBrowser;
let vera: StaffBrowser;

beforeAll(async () => {
  hub = await startTestHub();
  const admin = await addPerson(hub, { role: "admin", name: "Ada Admin", password: PASSWORD });
  const communicator = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  const viewer = await addPerson(hub, { role: "viewer", name: "Vera Läsare", password: PASSWORD });
  ada = await signInStaff(hub, admin.email, PASSWORD);
  anna = await signInStaff(hub, communicator.email, PASSWORD);
  vera = await signInStaff(hub, viewer.email, PASSWORD);
});
afterAll(() => hub.close());

async function organisation() {
  const [org] = await hub.deps.db.select().from(organisations);
  return org;
}

describe("Content-Security-Policy on staff pages", () => {
  test("every staff response restricts scripts, styles, forms, framing and the base URL", async () => {
    const responses = [
      await hub.app.request("/staff/login", {}, { deps: hub.deps }),
      (await anna.get("/staff")).headers,
      (await anna.get("/staff/updates/00000000-0000-4000-8000-000000000000")).headers,
    ].map((r) => (r instanceof Response ? r.headers : r));
    for (const headers of responses) {
      const policy = Object.fromEntries(
        (headers.get("content-security-policy") ?? "").split(";").map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values.join(" ")];
        }),
      );
      expect(policy).toMatchObject({
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
      });
      expect(headers.get("x-frame-options")).toBe("DENY");
    }
  });

  test("no staff page has inline script or style that the policy would block", async () => {
    const [incident] = await hub.deps.db.select().from(incidents).limit(1);
    const paths = ["/staff", "/staff/incidents/new", "/staff/accounts", "/staff/departments", "/staff/settings"];
    if (incident) paths.push(`/staff/incidents/${incident.id}`);
    for (const path of paths) {
      const { html, status } = await ada.get(path);
      expect(status).toBe(200);
      expect(html).not.toMatch(/<style[\s>]/);
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/\sstyle="/);
      expect(html).not.toMatch(/\son[a-z]+="/);
      expect(html).toContain('<link rel="stylesheet" href="/staff/assets/staff.css">');
    }
    const css = await hub.app.request("/staff/assets/staff.css", {}, { deps: hub.deps });
    expect(css.headers.get("content-type")).toContain("text/css");
    // What the layout used to carry inline now comes with the stylesheet.
    expect(await css.text()).toContain(".visually-hidden{");
  });
});

describe("editing an incident", () => {
  test("a communicator changes the facts; the website shows them; cleared fields are cleared", async () => {
    await anna.get("/staff/incidents/new");
    const opened = await anna.post("/staff/incidents", {
      title: "Vattenläcka på Storgatan",
      severity: "major",
      areas: "Centrum",
      registrationNumber: "KS 2026/0142",
    });
    const id = must(/\/staff\/incidents\/([0-9a-f-]{36})\//.exec(opened.location ?? ""), "the id in the redirect")[1];
    const page = await anna.get(`/staff/incidents/${id}`);
    expect(page.html).toContain(`href="/staff/incidents/${id}/edit"`);
    const form = await anna.get(`/staff/incidents/${id}/edit`);
    expect(form.html).toMatch(/<input id="title" name="title"[^>]*value="Vattenläcka på Storgatan"/);
    expect(form.html).toMatch(/id="severity-major" value="major" checked/);
    expect(form.html).toContain('value="KS 2026/0142"');

    const bad = await anna.post(`/staff/incidents/${id}/edit`, {
      title: "Ab",
      severity: "major",
      areas: "Centrum, Norrby",
      summary: "Sammanfattning",
    });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#title">Skriv en rubrik på 3–200 tecken');
    expect(bad.html).toContain('value="Centrum, Norrby"');

    const personnummer = await anna.post(`/staff/incidents/${id}/edit`, {
      title: "Vattenläcka hos 121212-1212",
      severity: "major",
    });
    expect(personnummer.status).toBe(422);
    expect(textOf(personnummer.html)).toContain("personnummer");

    const saved = await anna.post(`/staff/incidents/${id}/edit`, {
      title: "Vattenläcka på Storgatan och Kyrkgatan",
      severity: "critical",
      areas: "Centrum, Norrby",
      summary: "Huvudledningen har gått sönder.",
      registrationNumber: "",
      borrowingReason: "Skolans föräldrar måste nås snabbt.",
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/staff/incidents/${id}?klart=andrad`);
    const [row] = await hub.deps.db.select().from(incidents).where(eq(incidents.id, id));
    expect(row).toMatchObject({
      title: "Vattenläcka på Storgatan och Kyrkgatan",
      severity: "critical",
      areas: ["Centrum", "Norrby"],
      registrationNumber: null,
      borrowingReason: "Skolans föräldrar måste nås snabbt.",
    });
    expect(textOf((await anna.get(must(saved.location, "a redirect"))).html)).toContain("Ändringarna är sparade");
    const pub = await hub.app.request(`/incidents/${row.slug}`, {}, { deps: hub.deps });
    expect(await pub.text()).toContain("Vattenläcka på Storgatan och Kyrkgatan");
    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.action, "incident.edited"));
    expect(audit).toHaveLength(1);
  });

  test("a viewer may not edit incidents", async () => {
    const [row] = await hub.deps.db.select().from(incidents).limit(1);
    expect((await vera.get(`/staff/incidents/${row.id}`)).html).not.toContain("/edit");
    expect((await vera.get(`/staff/incidents/${row.id}/edit`)).status).toBe(403);
    const refused = await vera.post(`/staff/incidents/${row.id}/edit`, { title: "Något annat", severity: "info" });
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain("Din roll ger inte behörighet");
  });
});

describe("the kill switch", () => {
  test("a communicator pauses every delivery with a reason and resumes from the dashboard", async () => {
    const home = await anna.get("/staff");
    expect(home.html).toContain('id="utskick"');
    expect(home.html).toContain('action="/staff/deliveries/pause"');

    const tooShort = await anna.post("/staff/deliveries/pause", { reason: "ab" });
    expect(tooShort.status).toBe(400);
    expect(tooShort.html).toContain('<a href="#reason">Skälet ska vara 3–500 tecken');
    expect(tooShort.html).toContain('value="ab"');
    expect((await organisation()).deliveriesPausedAt).toBeNull();

    const paused = await anna.post("/staff/deliveries/pause", { reason: "Kontot på X kan vara kapat." });
    expect(paused.status).toBe(303);
    expect(paused.location).toBe("/staff?klart=pausad#utskick");
    expect((await organisation()).deliveriesPausedAt).not.toBeNull();
    const after = await anna.get("/staff?klart=pausad");
    const text = textOf(after.html);
    expect(text).toContain("Alla utskick till sociala medier är pausade.");
    expect(text).toContain("av Anna Andersson. Skäl: Kontot på X kan vara kapat.");
    // The banner on every page leads to the control that resumes.
    const elsewhere = await anna.get("/staff/incidents");
    expect(elsewhere.html).toMatch(/class="paused"[\s\S]*<a href="\/staff#utskick">Återuppta utskicken<\/a>/);
    expect(after.html).toContain('action="/staff/deliveries/resume"');
    expect(after.html).not.toContain('action="/staff/deliveries/pause"');

    const resumed = await anna.post("/staff/deliveries/resume", {});
    expect(resumed.status).toBe(303);
    expect((await organisation()).deliveriesPausedAt).toBeNull();
    expect(textOf((await anna.get("/staff?klart=aterupptagen")).html)).toContain("Utskicken är igång igen.");
    const actions = (await hub.deps.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["deliveries.paused", "deliveries.resumed"]));
  });

  test("a viewer sees that deliveries are paused but gets no switch", async () => {
    await anna.get("/staff");
    await anna.post("/staff/deliveries/pause", {});
    try {
      const home = await vera.get("/staff");
      expect(home.html).toContain('class="paused"');
      expect(home.html).not.toContain("/staff#utskick");
      expect(home.html).not.toContain("/staff/deliveries/resume");
      await vera.get("/staff");
      expect((await vera.post("/staff/deliveries/resume", {})).status).toBe(403);
      expect((await organisation()).deliveriesPausedAt).not.toBeNull();
    } finally {
      await anna.get("/staff");
      await anna.post("/staff/deliveries/resume", {});
    }
  });
});

describe("the four-eyes setting", () => {
  test("an admin turns approval on and off; communicators cannot", async () => {
    expect(textOf((await anna.get("/staff")).html)).not.toContain("Inställningar");
    expect((await anna.get("/staff/settings")).status).toBe(403);
    const page = await ada.get("/staff/settings");
    expect(page.status).toBe(200);
    expect(page.html).toContain('<a href="/staff/settings" aria-current="page">Inställningar</a>');
    expect(page.html).toMatch(/id="requireApproval" value="off" checked/);

    const on = await ada.post("/staff/settings/approval", { requireApproval: "on" });
    expect(on.status).toBe(303);
    expect((await organisation()).requireApproval).toBe(true);
    const shown = await ada.get(must(on.location, "a redirect"));
    expect(textOf(shown.html)).toContain("Fyra ögon gäller nu");
    expect(shown.html).toMatch(/id="requireApproval-on" value="on" checked/);

    const nonsense = await ada.post("/staff/settings/approval", { requireApproval: "kanske" });
    expect(nonsense.status).toBe(400);
    expect(nonsense.html).toContain('<a href="#requireApproval">Välj om uppdateringar ska godkännas');

    await anna.get("/staff");
    expect((await anna.post("/staff/settings/approval", { requireApproval: "off" })).status).toBe(403);
    expect((await organisation()).requireApproval).toBe(true);
    expect((await ada.post("/staff/settings/approval", { requireApproval: "off" })).status).toBe(303);
    expect((await organisation()).requireApproval).toBe(false);
    const actions = (await hub.deps.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["organisation.approval_required", "organisation.approval_lifted"]));
  });
});
