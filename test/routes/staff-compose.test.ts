// The staff pages for the crisis flow, in-process: open an incident, compose with preview and
// warnings, publish, watch the board, retry, edit, withdraw, close. Forms post with the
// session's CSRF token; errors come back as a Swedish error summary with the input kept.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deliveries, incidents, updates } from "../../src/db/schema";
import { createPlatforms } from "../../src/platforms/index";
import { escapeHtml } from "../../src/render/html";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addAccount, addDepartment, addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";
const PERSONNUMMER = "121212-1212";

let hub: TestHub;
let anna: StaffBrowser;
let ownDepartment: string;
let schoolDepartment: string;
const accountIds: Record<string, string> = {};

beforeAll(async () => {
  hub = await startTestHub({ deps: { platforms: createPlatforms({ sleep: async () => {} }) } });
  ownDepartment = await addDepartment(hub, "Kommunikationsenheten");
  schoolDepartment = await addDepartment(hub, "Barn- och utbildning");
  for (const platform of ["mastodon", "x", "instagram"] as const) {
    accountIds[platform] = (await addAccount(hub, { departmentId: null, platform })).id;
  }
  accountIds.school = (await addAccount(hub, { departmentId: schoolDepartment, platform: "facebook" })).id;
  const person = await addPerson(hub, {
    role: "communicator",
    name: "Anna Andersson",
    password: PASSWORD,
    departmentIds: [ownDepartment],
  });
  anna = await signInStaff(hub, person.email, PASSWORD);
});
afterAll(() => hub.close());

async function openIncident(title: string): Promise<string> {
  await anna.get("/staff/incidents/new");
  const res = await anna.post("/staff/incidents", { title, severity: "major", areas: "Centrum, Norrby" });
  expect(res.status).toBe(303);
  return must(
    /\/staff\/incidents\/([0-9a-f-]{36})\/updates\/new/.exec(res.location ?? ""),
    "the id in the redirect",
  )[1];
}

const picked = (...platforms: string[]) => ({ targetMode: "picked", accountIds: platforms.map((p) => accountIds[p]) });

describe("opening an incident", () => {
  test("pages are private; a form without the CSRF token is refused and writes nothing", async () => {
    const page = await anna.get("/staff/incidents/new");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("private, no-store");
    const refused = await anna.post("/staff/incidents", { title: "Storm", severity: "major" }, { csrf: null });
    expect(refused.status).toBe(403);
    expect(await hub.deps.db.select().from(incidents)).toHaveLength(0);
  });

  test("bad input re-renders the form with a Swedish error summary linking to the fields, input kept", async () => {
    await anna.get("/staff/incidents/new");
    const res = await anna.post("/staff/incidents", { title: "Ab", areas: "Centrum" });
    expect(res.status).toBe(400);
    expect(res.html).toContain("<title>Fel: Öppna en händelse");
    expect(res.html).toContain('class="error-summary" role="alert"');
    expect(res.html).toContain('<a href="#title">Skriv en rubrik på 3–200 tecken');
    expect(res.html).toContain('<a href="#severity">Välj hur allvarlig händelsen är.</a>');
    expect(res.html).toMatch(/<input id="title" name="title"[^>]*value="Ab"[^>]*aria-invalid="true"/);
    expect(res.html).toContain('value="Centrum"');
    expect(await hub.deps.db.select().from(incidents)).toHaveLength(0);
  });

  test("a good form opens the incident, visible on the website, and leads on to the first update", async () => {
    const id = await openIncident("Vattenläcka på Storgatan");
    const compose = await anna.get(`/staff/incidents/${id}/updates/new?oppnad=1`);
    expect(textOf(compose.html)).toContain("Händelsen är öppnad och syns på webbplatsen");
    const [row] = await hub.deps.db.select().from(incidents).where(eq(incidents.id, id));
    const pub = await hub.app.request(`/incidents/${row.slug}`, {}, { deps: hub.deps });
    expect(await pub.text()).toContain("Vattenläcka på Storgatan");
  });
});

describe("composing an update", () => {
  let incidentId: string;
  beforeAll(async () => {
    incidentId = await openIncident("Strömavbrott i Norrby");
  });

  test("the preview shows each account's text counted as its platform counts, with the same compose", async () => {
    await anna.get(`/staff/incidents/${incidentId}/updates/new`);
    const body = `Strömmen är borta i Norrby. Läs mer på https://www.exempelkommun.se/el/${"a".repeat(80)} ${"ord ".repeat(60)}`;
    const res = await anna.post(`/staff/incidents/${incidentId}/updates`, {
      action: "preview",
      kind: "update",
      body,
      ...picked("mastodon", "x", "instagram"),
    });
    expect(res.status).toBe(200);
    const adapterX = hub.deps.platforms.x.compose({
      body: body.trim(),
      link: `https://kris.exempel.se/incidents/${await slugOf(incidentId)}/updates/1`,
      title: "Strömavbrott i Norrby",
      kind: "update",
    });
    // X counts a URL as 23 and the text is cut to fit: the page shows what the adapter says.
    expect(adapterX.shortened).toBe(true);
    expect(res.html).toContain(`${adapterX.length} av ${adapterX.limit} tecken`);
    expect(res.html).toContain(escapeHtml(adapterX.text));
    const text = textOf(res.html);
    expect(text).toContain("Varning: Texten kortas för X");
    // Without an image Instagram gets the update's crisis card, so it is no longer left out.
    expect(text).not.toContain("Varning: Instagram");
    expect(text).not.toContain("kräver en bild");
    // The body the person wrote is still in the form.
    expect(res.html).toContain(escapeHtml(body.trim()));
    expect(await hub.deps.db.select().from(updates).where(eq(updates.incidentId, incidentId))).toHaveLength(0);
  });

  test("the live preview endpoint answers with the same preview as a fragment", async () => {
    const res = await anna.post(`/staff/incidents/${incidentId}/preview`, {
      body: "Kort text.",
      kind: "update",
      ...picked("mastodon"),
    });
    expect(res.status).toBe(200);
    expect(res.html).not.toContain("<html");
    expect(res.html).toContain("data-summary");
    expect(textOf(res.html)).toContain("1 kanal och webbplatsen. Inga varningar.");
  });

  test("asked for JSON, the preview endpoint answers with the previews and warnings as data", async () => {
    const res = await hub.app.request(
      `/staff/incidents/${incidentId}/preview`,
      {
        method: "POST",
        headers: {
          accept: "application/json",
          "content-type": "application/x-www-form-urlencoded",
          "x-csrf-token": must(anna.csrf, "Anna's CSRF token"),
          cookie: anna.cookie,
        },
        body: new URLSearchParams({ body: "Kort text.", targetMode: "picked", accountIds: accountIds.x }).toString(),
      },
      { deps: hub.deps },
    );
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(json.previews).toHaveLength(1);
    expect(json.previews[0]).toMatchObject({ platform: "x", fits: true, shortened: false });
    expect(json.warnings).toEqual([]);
  });

  test("a personnummer blocks publishing: shown masked in the preview, named in the summary, nothing stored", async () => {
    const body = `Kontakta oss om ${PERSONNUMMER} har drabbats.`;
    const res = await anna.post(`/staff/incidents/${incidentId}/updates`, {
      action: "publish",
      kind: "update",
      body,
      ...picked("mastodon"),
    });
    expect(res.status).toBe(400);
    expect(res.html).toContain('class="error-summary" role="alert"');
    expect(res.html).toMatch(/<li><a href="#body">Texten innehåller ett personnummer/);
    expect(res.html).toContain("######-####");
    expect(res.html).toContain(escapeHtml(body));
    expect(await hub.deps.db.select().from(updates).where(eq(updates.incidentId, incidentId))).toHaveLength(0);
  });

  test("borrowing a department's account needs a reason before publishing", async () => {
    const fields = { action: "publish", kind: "update", body: "Skolan är stängd i dag.", ...picked("school") };
    const refused = await anna.post(`/staff/incidents/${incidentId}/updates`, fields);
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/<a href="#borrowingReason">Du lånar en annan verksamhets konto \(Facebook konto/);
    const published = await anna.post(`/staff/incidents/${incidentId}/updates`, {
      ...fields,
      borrowingReason: "Skolans redaktörer nås inte under natten",
    });
    expect(published.status).toBe(303);
    const [delivery] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.accountId, accountIds.school));
    expect(delivery.borrowed).toBe(true);
  });

  test("publishing puts the update on the website and opens its board, every channel waiting", async () => {
    const res = await anna.post(`/staff/incidents/${incidentId}/updates`, {
      action: "publish",
      kind: "update",
      body: "Felsökning pågår. Nästa besked kl. 16.",
      signature: "Anna Andersson, kommunikatör",
      imageUrl: "https://kris.exempel.se/bilder/el.jpg",
      imageAlt: "Elskåp i Norrby",
      ...picked("mastodon", "x", "instagram"),
    });
    expect(res.status).toBe(303);
    const updateId = must(
      /\/staff\/updates\/([0-9a-f-]{36})\?klart=publicerad/.exec(res.location ?? ""),
      "the id in the redirect",
    )[1];
    const queued = await hub.deps.db.select().from(deliveries).where(eq(deliveries.updateId, updateId));
    expect(queued).toHaveLength(3);
    expect(hub.signalled.flat()).toEqual(expect.arrayContaining(queued.map((d) => d.id)));
    const board = await anna.get(must(res.location, "a redirect"));
    const text = textOf(board.html);
    expect(text).toContain("Uppdateringen är publicerad på webbplatsen");
    expect(text).toContain("0 av 3 publicerade, 3 på väg.");
    expect(board.html).toContain('data-under-way="true"');
    const pub = await hub.app.request(`/incidents/${await slugOf(incidentId)}`, {}, { deps: hub.deps });
    expect(await pub.text()).toContain("Felsökning pågår. Nästa besked kl. 16.");
  });

  test("a viewer or registrar is refused the form, its preview and publishing with 403, nothing stored", async () => {
    for (const role of ["viewer", "registrar"] as const) {
      const person = await addPerson(hub, { role, password: PASSWORD, departmentIds: [ownDepartment] });
      const browser = await signInStaff(hub, person.email, PASSWORD);
      const before = await hub.deps.db.select().from(updates).where(eq(updates.incidentId, incidentId));
      expect((await browser.get(`/staff/incidents/${incidentId}/updates/new`)).status, role).toBe(403);
      for (const body of ["Får jag?", ""]) {
        const preview = await browser.post(`/staff/incidents/${incidentId}/preview`, { body });
        expect(preview.status, `${role} preview "${body}"`).toBe(403);
        const publish = await browser.post(`/staff/incidents/${incidentId}/updates`, { body, action: "publish" });
        expect(publish.status, `${role} publish "${body}"`).toBe(403);
      }
      const after = await hub.deps.db.select().from(updates).where(eq(updates.incidentId, incidentId));
      expect(after).toHaveLength(before.length);
    }
  });
});

describe("the delivery board", () => {
  let updateId: string;
  beforeAll(async () => {
    const incidentId = await openIncident("Översvämning vid ån");
    await anna.get(`/staff/incidents/${incidentId}/updates/new`);
    const res = await anna.post(`/staff/incidents/${incidentId}/updates`, {
      action: "publish",
      kind: "update",
      body: "Undvik gångvägen längs ån.",
      ...picked("mastodon", "x"),
    });
    updateId = must(/\/staff\/updates\/([0-9a-f-]{36})/.exec(res.location ?? ""), "the id in the redirect")[1];
  });

  test("a failure shows what went wrong and what to do in Swedish, with a retry that re-queues it", async () => {
    const now = hub.clock.now();
    await hub.deps.db
      .update(deliveries)
      .set({ status: "failed", attempts: 1, failureClass: "auth", message: "401 token revoked", updatedAt: now })
      .where(and(eq(deliveries.updateId, updateId), eq(deliveries.accountId, accountIds.x)));
    await hub.deps.db
      .update(deliveries)
      .set({ status: "published", attempts: 1, remoteUrl: "https://mastodon.example/@kommun/1", publishedAt: now })
      .where(and(eq(deliveries.updateId, updateId), eq(deliveries.accountId, accountIds.mastodon)));
    const board = await anna.get(`/staff/updates/${updateId}`);
    const text = textOf(board.html);
    expect(text).toContain("1 av 2 publicerade, 1 misslyckade.");
    expect(text).toContain("Inloggningen till kontot fungerar inte längre");
    expect(text).toContain("Be kontots redaktör att koppla in kontot igen");
    expect(text).toContain("Svar: 401 token revoked");
    expect(board.html).toContain('<a href="https://mastodon.example/@kommun/1">Visa inlägget');
    expect(board.html).toContain('data-under-way="false"');

    const [failed] = await hub.deps.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.updateId, updateId), eq(deliveries.accountId, accountIds.x)));
    const retried = await anna.post(`/staff/deliveries/${failed.id}/retry`, { updateId });
    expect(retried.status).toBe(303);
    expect(retried.location).toBe(`/staff/updates/${updateId}?klart=nyttforsok#leverans-${failed.id}`);
    const [after] = await hub.deps.db.select().from(deliveries).where(eq(deliveries.id, failed.id));
    expect(after.status).toBe("pending");

    // Pressed twice: the second finds it already under way and just returns to the board.
    const again = await anna.post(`/staff/deliveries/${failed.id}/retry`, { updateId });
    expect(again.location).toBe(`/staff/updates/${updateId}#leveranser`);
  });

  test("the refresh endpoint returns just the table region, for the board script", async () => {
    const res = await anna.get(`/staff/updates/${updateId}/deliveries`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.html.startsWith('<div id="leveranser"')).toBe(true);
    expect(res.html).toContain('data-under-way="true"');
  });

  test("the scripts are served, and pages still work without them (a Preview button, a Refresh link)", async () => {
    for (const name of ["preview.js", "board.js", "staff.css"]) {
      const res = await hub.app.request(`/staff/assets/${name}`, {}, { deps: hub.deps });
      expect(res.status).toBe(200);
    }
    const board = await anna.get(`/staff/updates/${updateId}`);
    expect(board.html).toContain(`<a href="/staff/updates/${updateId}#kanaler">Uppdatera sidan</a>`);
  });
});

describe("editing, withdrawing and closing", () => {
  let incidentId: string;
  let updateId: string;
  beforeAll(async () => {
    incidentId = await openIncident("Vattenavstängning i Centrum");
    await anna.get(`/staff/incidents/${incidentId}/updates/new`);
    const res = await anna.post(`/staff/incidents/${incidentId}/updates`, {
      action: "publish",
      kind: "update",
      body: "Vattnet stängs av på Kungsgatan.",
      targetMode: "picked",
      accountIds: [accountIds.mastodon],
    });
    updateId = must(/\/staff\/updates\/([0-9a-f-]{36})/.exec(res.location ?? ""), "the id in the redirect")[1];
  });

  test("an edit needs a reason; with one, the website shows the new text and why", async () => {
    await anna.get(`/staff/updates/${updateId}/edit`);
    const refused = await anna.post(`/staff/updates/${updateId}/edit`, {
      body: "Vattnet stängs av på Drottninggatan.",
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<a href="#reason">Skriv varför uppdateringen ändras');
    expect(refused.html).toContain("Vattnet stängs av på Drottninggatan.");
    const saved = await anna.post(`/staff/updates/${updateId}/edit`, {
      body: "Vattnet stängs av på Drottninggatan.",
      reason: "Fel gatunamn",
    });
    expect(saved.status).toBe(303);
    const pub = await (await hub.app.request(`/incidents/${await slugOf(incidentId)}`, {}, { deps: hub.deps })).text();
    expect(pub).toContain("Vattnet stängs av på Drottninggatan.");
    expect(pub).toContain("Fel gatunamn");
  });

  test("a withdrawal needs a reason; the permalink then says it was withdrawn", async () => {
    await anna.get(`/staff/updates/${updateId}/withdraw`);
    const refused = await anna.post(`/staff/updates/${updateId}/withdraw`, { reason: "" });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<a href="#reason">Skriv varför uppdateringen dras tillbaka');
    const done = await anna.post(`/staff/updates/${updateId}/withdraw`, { reason: "Publicerades av misstag" });
    expect(done.status).toBe(303);
    const permalink = await hub.app.request(`/incidents/${await slugOf(incidentId)}/updates/1`, {}, { deps: hub.deps });
    expect(textOf(await permalink.text())).toContain("Skäl: Publicerades av misstag");
  });

  test("closing warns when no all-clear was posted, then closes the incident", async () => {
    const confirm = await anna.get(`/staff/incidents/${incidentId}/close`);
    expect(textOf(confirm.html)).toContain("Ingen ”Faran över” är publicerad.");
    const closed = await anna.post(`/staff/incidents/${incidentId}/close`, {});
    expect(closed.status).toBe(303);
    const [row] = await hub.deps.db.select().from(incidents).where(eq(incidents.id, incidentId));
    expect(row.status).toBe("resolved");
    const again = await anna.post(`/staff/incidents/${incidentId}/close`, {});
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain("Händelsen är redan avslutad.");
  });
});

describe("four eyes", () => {
  test("with approval required, an update waits; a second person approves it on its board", async () => {
    const admin = api(hub, hub.token);
    expect((await admin.patch("/api/v1/organisation", { requireApproval: true })).status).toBe(200);
    try {
      const incidentId = await openIncident("Brand i industriområdet");
      const compose = await anna.get(`/staff/incidents/${incidentId}/updates/new`);
      expect(compose.html).toContain('id="urgent"');
      const res = await anna.post(`/staff/incidents/${incidentId}/updates`, {
        action: "publish",
        kind: "update",
        body: "Håll fönster och dörrar stängda.",
        ...picked("mastodon"),
      });
      const updateId = must(/\/staff\/updates\/([0-9a-f-]{36})/.exec(res.location ?? ""), "the id in the redirect")[1];
      const own = await anna.get(`/staff/updates/${updateId}`);
      expect(textOf(own.html)).toContain("Väntar på godkännande.");
      expect(own.html).not.toContain("Godkänn och publicera");

      const second = await addPerson(hub, { role: "communicator", name: "Bertil Berg", password: PASSWORD });
      const bertil = await signInStaff(hub, second.email, PASSWORD);
      const review = await bertil.get(`/staff/updates/${updateId}`);
      expect(review.html).toContain("Godkänn och publicera");
      const noReason = await bertil.post(`/staff/updates/${updateId}/reject`, { reason: "" });
      expect(noReason.status).toBe(400);
      expect(noReason.html).toContain('<a href="#reason">Skriv varför uppdateringen inte godkänns');
      const approved = await bertil.post(`/staff/updates/${updateId}/approve`, {});
      expect(approved.location).toBe(`/staff/updates/${updateId}?klart=godkand`);
      const [row] = await hub.deps.db.select().from(updates).where(eq(updates.id, updateId));
      expect(row.state).toBe("published");
      expect(await hub.deps.db.select().from(deliveries).where(eq(deliveries.updateId, updateId))).toHaveLength(1);
    } finally {
      await admin.patch("/api/v1/organisation", { requireApproval: false });
    }
  });
});

describe("dashboard, registry and people", () => {
  test("the dashboard lists active incidents, failing deliveries and accounts with findings", async () => {
    const page = await anna.get("/staff");
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain("Strömavbrott i Norrby");
    expect(text).toContain("Konton med brister");
    // The same finding on four accounts is one line with a count, not four.
    expect(text).toContain("Inloggning saknas: 4 konton");
  });

  test("accounts and compliance pages list every account and its findings with the policy", async () => {
    const accounts = textOf((await anna.get("/staff/accounts")).html);
    expect(accounts).toContain("Barn- och utbildning");
    expect(accounts).toContain("Ingen inloggning");
    const compliance = textOf((await anna.get("/staff/compliance")).html);
    expect(compliance).toContain("0 av 4 aktiva konton uppfyller alla krav.");
    expect(compliance).toContain("Enligt Motala kommun");
  });

  test("people management is for admins: a communicator is refused, an admin adds a person", async () => {
    const refused = await anna.get("/staff/people");
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain("Din roll ger inte behörighet");
    const admin = await addPerson(hub, { role: "admin", name: "Ada Admin", password: PASSWORD });
    const ada = await signInStaff(hub, admin.email, PASSWORD);
    const list = await ada.get("/staff/people");
    expect(list.status).toBe(200);
    const bad = await ada.post("/staff/people", { name: "Erik Redaktör", email: "inte-en-adress", role: "editor" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#email">Skriv en e-postadress');
    expect(bad.html).toContain('value="Erik Redaktör"');
    const noDepartment = await ada.post("/staff/people", {
      name: "Erik Redaktör",
      email: "erik@exempelkommun.se",
      role: "editor",
    });
    expect(noDepartment.status).toBe(400);
    expect(noDepartment.html).toContain('<a href="#departmentIds">En redaktör ska ha minst en verksamhet');
    const made = await ada.post("/staff/people", {
      name: "Erik Redaktör",
      email: "erik@exempelkommun.se",
      role: "editor",
      departmentIds: [schoolDepartment],
    });
    expect(made.status).toBe(303);
    const people = await api(hub, hub.token).get("/api/v1/people");
    expect(people.json.people.map((p: { name: string }) => p.name)).toContain("Erik Redaktör");
  });
});

async function slugOf(id: string): Promise<string> {
  const [row] = await hub.deps.db.select().from(incidents).where(eq(incidents.id, id));
  return row.slug;
}
