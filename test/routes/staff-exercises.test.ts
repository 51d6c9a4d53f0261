// Exercises from the staff interface: "Öppna övning", the ÖVNING notices on the incident and
// compose pages, the preview saying which official accounts are left out, the reset with its
// CSRF-protected form, a fresh run opened from the reset one, and the account's exercise box.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { accounts, auditLog, incidents } from "../../src/db/schema";
import { addAccount } from "../archive/records-fixtures";
import { startTestHub, type TestHub } from "../helpers/hub";
import { must } from "../helpers/must";
import { addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";

let hub: TestHub;
let ada: StaffBrowser;
let anna: StaffBrowser;
let exerciseId: string;

beforeAll(async () => {
  hub = await startTestHub();
  const admin = await addPerson(hub, { role: "admin", name: "Ada Admin", password: PASSWORD });
  const communicator = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  ada = await signInStaff(hub, admin.email, PASSWORD);
  anna = await signInStaff(hub, communicator.email, PASSWORD);
});
afterAll(() => hub.close());

describe("exercises in the staff interface", () => {
  test("Öppna övning opens an exercise, whose page says ÖVNING and links to /ovning", async () => {
    expect((await anna.get("/staff/incidents")).html).toContain('href="/staff/incidents/new?ovning=1"');
    const form = await anna.get("/staff/incidents/new?ovning=1");
    expect(form.status).toBe(200);
    expect(form.html).toContain('<input type="hidden" name="exercise" value="1">');
    expect(textOf(form.html)).toContain("Öppna en övning");
    const opened = await anna.post("/staff/incidents", {
      title: "Övning: översvämning i hamnen",
      severity: "major",
      exercise: "1",
    });
    expect(opened.status, opened.html.slice(0, 500)).toBe(303);
    const [row] = await hub.deps.db
      .select()
      .from(incidents)
      .where(eq(incidents.title, "Övning: översvämning i hamnen"));
    expect(row.exercise).toBe(true);
    exerciseId = row.id;
    const page = await anna.get(`/staff/incidents/${exerciseId}`);
    expect(page.html).toContain(`https://kris.exempel.se/ovning/${row.slug}`);
    expect(textOf(page.html)).toContain("ÖVNING. Publiceras bara i övningskonton");
    const compose = await anna.get(`/staff/incidents/${exerciseId}/updates/new`);
    expect(textOf(compose.html)).toContain("Officiella konton hoppas över");
  });

  test("the preview names each official account the exercise leaves out", async () => {
    const official = await addAccount(hub, { platform: "mastodon", handle: "exempelkommun-staff" });
    await anna.get(`/staff/incidents/${exerciseId}/updates/new`);
    const preview = await anna.post(`/staff/incidents/${exerciseId}/updates`, {
      action: "preview",
      kind: "update",
      body: "Vattnet stiger i hamnen (övning).",
      targetMode: "all",
    });
    expect(textOf(preview.html)).toContain(
      `Övning: Mastodon (${official.handle}) är inget övningskonto och hoppas över.`,
    );
  });

  test("an admin marks an account as an exercise account on its form, and it is audited", async () => {
    const test = await addAccount(hub, { platform: "mastodon", handle: "ovning@mastodon.example" });
    const form = await ada.get(`/staff/accounts/${test.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="exercise"');
    // The form as shown, sent back with the box ticked.
    const shown = Object.fromEntries(
      [...form.html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const saved = await ada.post(`/staff/accounts/${test.id}/edit`, {
      ...shown,
      purpose: "Testkonto för övningar",
      exercise: "1",
    });
    expect(saved.status, textOf(saved.html).slice(0, 600)).toBe(303);
    const [row] = await hub.deps.db.select().from(accounts).where(eq(accounts.id, test.id));
    expect(row.exercise).toBe(true);
    const audited = await hub.deps.db.select().from(auditLog).where(eq(auditLog.accountId, test.id));
    const edit = must(
      audited.find((a) => a.action === "account.edited"),
      "the audit row of the edit",
    );
    expect(edit.before).toMatchObject({ exercise: false });
    expect(edit.after).toMatchObject({ exercise: true });
    expect(textOf((await ada.get(`/staff/accounts/${test.id}`)).html)).toContain("Övningar publiceras här.");
  });

  test("a reset needs the form's CSRF token, then closes and marks the exercise; a fresh run starts from it", async () => {
    const refused = await anna.post(`/staff/incidents/${exerciseId}/reset`, {}, { csrf: null });
    expect(refused.status).toBe(403);
    await anna.get(`/staff/incidents/${exerciseId}`);
    const reset = await anna.post(`/staff/incidents/${exerciseId}/reset`, {});
    expect(reset.status).toBe(303);
    const [row] = await hub.deps.db.select().from(incidents).where(eq(incidents.id, exerciseId));
    expect(row).toMatchObject({ status: "resolved" });
    expect(row.resetAt).toBeInstanceOf(Date);
    const page = await anna.get(must(reset.location, "the redirect"));
    expect(textOf(page.html)).toContain("Övningen är återställd");
    expect(page.html).not.toContain(`action="/staff/incidents/${exerciseId}/reset"`);
    // Twice: the page answers with the reason, not an error page.
    const again = await anna.post(`/staff/incidents/${exerciseId}/reset`, {});
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain("Övningen är redan återställd");
    const fresh = await anna.get(`/staff/incidents/new?ovning=1&fran=${exerciseId}`);
    expect(fresh.html).toContain('value="Övning: översvämning i hamnen"');
    expect(fresh.html).toContain('name="exercise" value="1"');
  });
});
