// Records for registrars in the staff interface, in-process: each incident's whole record as a
// download with the session cookie, the organisation's record for a period of Stockholm days,
// Swedish refusals for a bad period, and nothing of it for roles that may not export.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff, textOf } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";

let hub: TestHub;
let rita: StaffBrowser;
let anna: StaffBrowser;
let incidentId: string;

beforeAll(async () => {
  hub = await startTestHub();
  const registrar = await addPerson(hub, { role: "registrar", name: "Rita Registrator", password: PASSWORD });
  const communicator = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  rita = await signInStaff(hub, registrar.email, PASSWORD);
  anna = await signInStaff(hub, communicator.email, PASSWORD);
  const admin = api(hub, hub.token);
  const incident = await admin.post("/api/v1/incidents", {
    title: "Vattenläcka på Storgatan",
    severity: "major",
    registrationNumber: "KS 2026/0142",
  });
  incidentId = incident.json.id;
  await admin.post(`/api/v1/incidents/${incidentId}/updates`, { body: "Vattnet är avstängt.", targets: [] });
});
afterAll(() => hub.close());

/** A download made with the browser's session cookie, as the link on the page would. */
async function download(path: string, browser: StaffBrowser) {
  const res = await hub.app.request(path, { headers: { cookie: browser.cookie } }, { deps: hub.deps });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

const isZip = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b;

describe("records for registrars", () => {
  test("the records page lists each incident's record, downloadable with the session", async () => {
    const page = await rita.get("/staff/records");
    expect(page.status).toBe(200);
    expect(page.html).toContain('<a href="/staff/records" aria-current="page">Arkiv</a>');
    const link = `/api/v1/incidents/${incidentId}/export`;
    expect(page.html).toContain(`href="${link}"`);
    expect(textOf(page.html)).toContain("KS 2026/0142");
    // The incident's own page carries the same link.
    expect((await rita.get(`/staff/incidents/${incidentId}`)).html).toContain(`href="${link}"`);
    const { res, bytes } = await download(link, rita);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="kriskanal-.*\.zip"$/);
    expect(isZip(bytes)).toBe(true);
  });

  test("the period export runs from midnight of the first day to the end of the last, in Stockholm", async () => {
    const page = await rita.get("/staff/records");
    // Today's month so far, as a starting point.
    expect(page.html).toContain('id="from" name="from" type="date" required value="2026-11-01"');
    expect(page.html).toContain('id="to" name="to" type="date" required value="2026-11-21"');
    const { res, bytes } = await download("/staff/records/export?from=2026-11-01&to=2026-11-21", rita);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="kriskanal-2026-11-01--2026-11-21.zip"');
    expect(isZip(bytes)).toBe(true);
    const [audit] = await hub.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "records.exported"))
      .then((rows) => rows.filter((r) => !r.incidentId));
    expect(audit.after).toEqual({
      period: { from: "2026-10-31T23:00:00.000Z", to: "2026-11-21T22:59:59.999Z" },
    });
  });

  test("a bad period is refused in Swedish on the page, with the days kept", async () => {
    const missing = await rita.get("/staff/records/export?from=&to=2026-13-40");
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('<a href="#from">Ange den första dagen som ett datum');
    expect(missing.html).toContain('<a href="#to">Ange den sista dagen som ett datum');
    expect(missing.html).toContain('value="2026-13-40"');

    const backwards = await rita.get("/staff/records/export?from=2026-11-20&to=2026-11-01");
    expect(backwards.status).toBe(400);
    expect(backwards.html).toContain(
      '<a href="#from">Den första dagen ska vara ett datum som inte ligger efter den sista',
    );

    const future = await rita.get("/staff/records/export?from=2026-12-01&to=2026-12-31");
    expect(future.status).toBe(400);
    expect(future.html).toContain('<a href="#from">Perioden börjar i framtiden.');
    expect(textOf(future.html)).not.toMatch(/Det gick inte|future/);
  });

  test("a communicator may not export: no menu item, no link, refused", async () => {
    const home = await anna.get("/staff");
    expect(home.html).not.toContain('href="/staff/records"');
    expect((await anna.get(`/staff/incidents/${incidentId}`)).html).not.toContain("/export");
    expect((await anna.get("/staff/records")).status).toBe(403);
    const refused = await anna.get("/staff/records/export?from=2026-11-01&to=2026-11-21");
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain("Din roll ger inte behörighet");
    expect((await download(`/api/v1/incidents/${incidentId}/export`, anna)).res.status).toBe(403);
  });
});
