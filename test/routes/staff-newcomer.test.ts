// What a newcomer trips over on the compose page and when opening an incident: the preview shows
// posts as readers see them and says why a channel is skipped instead of counting it; the page
// summarises the preview above Publicera; a second incident with the same title and diarienummer
// is warned about, naming the first, and may still be opened.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deliveries, incidents } from "../../src/db/schema";
import { createPlatforms } from "../../src/platforms/index";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addAccount, addDepartment, addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";

let hub: TestHub;
let anna: StaffBrowser;
const accountIds: Record<string, string> = {};

beforeAll(async () => {
  // No real platform skips a post any more (Instagram gets the crisis card when there is no image),
  // so this hub's Instagram refuses every post: that is how the preview of a skipped channel is seen.
  const platforms = createPlatforms({ sleep: async () => {} });
  const instagram = platforms.instagram;
  platforms.instagram = {
    ...instagram,
    compose: (content, limits) => ({ ...instagram.compose(content, limits), skipReason: "Instagram kräver en bild" }),
  };
  hub = await startTestHub({ deps: { platforms } });
  const own = await addDepartment(hub, "Kommunikationsenheten");
  for (const platform of ["telegram", "instagram", "mastodon"] as const) {
    accountIds[platform] = (await addAccount(hub, { departmentId: null, platform })).id;
  }
  const person = await addPerson(hub, {
    role: "communicator",
    name: "Anna Andersson",
    password: PASSWORD,
    departmentIds: [own],
  });
  anna = await signInStaff(hub, person.email, PASSWORD);
});
afterAll(() => hub.close());

async function openIncident(fields: Record<string, string>) {
  await anna.get("/staff/incidents/new");
  return anna.post("/staff/incidents", { severity: "major", ...fields });
}

describe("the compose preview", () => {
  let incidentId: string;
  beforeAll(async () => {
    const res = await openIncident({ title: "Storm över kommunen" });
    incidentId = must(/\/staff\/incidents\/([0-9a-f-]{36})\//.exec(res.location ?? ""), "the new incident's id")[1];
    await anna.get(`/staff/incidents/${incidentId}/updates/new`);
  });

  const preview = (body: string) =>
    anna.post(`/staff/incidents/${incidentId}/updates`, {
      action: "preview",
      kind: "update",
      body,
      targetMode: "picked",
      accountIds: Object.values(accountIds),
    });

  test("Telegram is shown as its readers see it: no tags, no entities", async () => {
    const res = await preview("Träd över vägen <Ösmo> & Nynäshamn.");
    const card = res.html.slice(res.html.indexOf(`id="pv-${accountIds.telegram}"`));
    const post = card.slice(0, card.indexOf("</article>"));
    expect(post).toContain("Träd över vägen &lt;Ösmo&gt; &amp; Nynäshamn.");
    expect(post).not.toContain("&lt;a href");
    expect(post).not.toContain("&amp;lt;");
  });

  test("a skipped channel says why and is not counted", async () => {
    const res = await preview("Träd över vägen.");
    const card = res.html.slice(res.html.indexOf(`id="pv-${accountIds.instagram}"`));
    const post = textOf(card.slice(0, card.indexOf("</article>")));
    expect(post).toContain("Skickas inte:");
    expect(post).not.toMatch(/tecken/);
  });

  test("the summary and warnings stand above Publicera, for narrow screens", async () => {
    const res = await preview("Träd över vägen.");
    const digest = res.html.indexOf('id="sammanfattning"');
    const button = res.html.indexOf('value="publish"');
    expect(digest).toBeGreaterThan(0);
    expect(digest).toBeLessThan(button);
    const text = textOf(res.html.slice(digest, button));
    expect(text).toContain("Inför publiceringen: 3 kanaler och webbplatsen. 1 varning.");
    expect(text).toContain("Instagram");
  });
});

describe("the delivery board", () => {
  let updateId: string;
  beforeAll(async () => {
    const res = await openIncident({ title: "Översvämning vid ån" });
    const incidentId = must(
      /\/staff\/incidents\/([0-9a-f-]{36})\//.exec(res.location ?? ""),
      "the new incident's id",
    )[1];
    await anna.get(`/staff/incidents/${incidentId}/updates/new`);
    const published = await anna.post(`/staff/incidents/${incidentId}/updates`, {
      action: "publish",
      kind: "update",
      body: "Undvik gångvägen längs ån.",
      targetMode: "picked",
      accountIds: Object.values(accountIds),
    });
    updateId = must(/\/staff\/updates\/([0-9a-f-]{36})/.exec(published.location ?? ""), "the published update's id")[1];
  });

  const setDelivery = (platform: string, values: Partial<typeof deliveries.$inferInsert>) =>
    hub.deps.db
      .update(deliveries)
      .set({ updatedAt: hub.clock.now(), ...values })
      .where(and(eq(deliveries.updateId, updateId), eq(deliveries.accountId, accountIds[platform])));

  test("rows stay in channel order whatever their status", async () => {
    const order = async () => {
      const html = (await anna.get(`/staff/updates/${updateId}/deliveries`)).html;
      return [...html.matchAll(/<th scope="row">(\w+)/g)].map((m) => m[1]);
    };
    // PLATFORMS order: instagram before mastodon before telegram.
    expect(await order()).toEqual(["Instagram", "Mastodon", "Telegram"]);
    await setDelivery("telegram", { status: "failed", attempts: 1, failureClass: "auth", message: "401" });
    await setDelivery("instagram", { status: "published", attempts: 1, publishedAt: hub.clock.now() });
    expect(await order()).toEqual(["Instagram", "Mastodon", "Telegram"]);
  });

  test("a skipped row gives the reason and what to do, and no answer or sent text", async () => {
    await setDelivery("instagram", {
      status: "skipped",
      attempts: 1,
      message: "Instagram kräver en bild",
      sentText: "Undvik gångvägen längs ån.",
    });
    const html = (await anna.get(`/staff/updates/${updateId}/deliveries`)).html;
    const row = html.slice(
      html.indexOf('<th scope="row">Instagram'),
      html.indexOf("</tr>", html.indexOf('<th scope="row">Instagram')),
    );
    const text = textOf(row);
    expect(text).toContain("Skickades inte: Instagram kräver en bild.");
    expect(text).toContain("lägg till en bild med alternativtext i nästa uppdatering");
    expect(text).not.toContain("Läs skälet");
    expect(text).not.toContain("Svar:");
    expect(text).not.toContain("Text som skickades");
  });
});

describe("a second incident with the same title and diarienummer", () => {
  test("the form warns, naming the existing one, and opens it only when confirmed", async () => {
    const first = await openIncident({ title: "Vattenläcka på Storgatan", registrationNumber: "KS 2026/123" });
    expect(first.status).toBe(303);
    const [existing] = await hub.deps.db
      .select()
      .from(incidents)
      .where(eq(incidents.title, "Vattenläcka på Storgatan"));

    const again = await openIncident({ title: "vattenläcka på storgatan ", registrationNumber: "KS 2026/123" });
    expect(again.status).toBe(200);
    expect(textOf(again.html)).toContain("Det finns redan en händelse med samma rubrik och diarienummer (KS 2026/123)");
    expect(again.html).toContain(`href="/staff/incidents/${existing.id}"`);
    expect(again.html).toContain('name="confirmDuplicate" value="1"');
    expect(
      await hub.deps.db.select().from(incidents).where(eq(incidents.registrationNumber, "KS 2026/123")),
    ).toHaveLength(1);

    const other = await openIncident({ title: "Vattenläcka på Storgatan", registrationNumber: "KS 2026/999" });
    expect(other.status).toBe(303);

    await anna.get("/staff/incidents/new");
    const confirmed = await anna.post("/staff/incidents", {
      title: "Vattenläcka på Storgatan",
      registrationNumber: "KS 2026/123",
      severity: "major",
      confirmDuplicate: "1",
    });
    expect(confirmed.status).toBe(303);
    expect(
      await hub.deps.db.select().from(incidents).where(eq(incidents.registrationNumber, "KS 2026/123")),
    ).toHaveLength(2);
  });

  test("the API opens it and says so in a warnings array", async () => {
    const admin = api(hub, hub.token);
    const body = { title: "Strömavbrott i Norrby", severity: "minor", registrationNumber: "KS 2026/7" };
    const first = await admin.post("/api/v1/incidents", body);
    expect(first.status).toBe(201);
    expect(first.json.warnings).toBeUndefined();
    const second = await admin.post("/api/v1/incidents", body);
    expect(second.status).toBe(201);
    expect(second.json.warnings).toEqual([
      expect.objectContaining({ code: "duplicate_incident", incidentId: first.json.id }),
    ]);
  });
});
