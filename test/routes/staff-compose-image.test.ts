// The compose form's file field: a multipart post with the page's CSRF token uploads the image
// (cleaned of its metadata) and publishes the update with it; without the token nothing is stored.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { media, updates } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { containsText, makeJpeg, withExifGps } from "../helpers/images";
import { addPerson } from "../helpers/people";
import { type StaffBrowser, signInStaff } from "./staff-browser";

const PASSWORD = "Korrekt hästbatteri 2026";
const MARKER = "STAFF-GPS-MARKER-5521";
let hub: TestHub;
let anna: StaffBrowser;
let incidentId: string;

beforeAll(async () => {
  hub = await startTestHub();
  const person = await addPerson(hub, { role: "communicator", name: "Anna Andersson", password: PASSWORD });
  anna = await signInStaff(hub, person.email, PASSWORD);
  incidentId = (await api(hub, hub.token).post("/api/v1/incidents", { title: "Storm", severity: "major" })).json.id;
});
afterAll(() => hub.close());

async function postForm(fields: Record<string, string>, file: Uint8Array<ArrayBuffer>, csrf: string | null) {
  const form = new FormData();
  if (csrf) form.append("_csrf", csrf);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("imageFile", new File([file], "IMG_0042.jpg", { type: "image/jpeg" }));
  return hub.app.request(
    `/staff/incidents/${incidentId}/updates`,
    { method: "POST", headers: { cookie: anna.cookie }, body: form },
    { deps: hub.deps },
  );
}

test("an image chosen in the compose form is uploaded without its GPS data and published with alt text", async () => {
  await anna.get(`/staff/incidents/${incidentId}/updates/new`);
  const page = await anna.get(`/staff/incidents/${incidentId}/updates/new`);
  expect(page.html).toContain('enctype="multipart/form-data"');
  expect(page.html).toContain('name="imageFile"');
  const photo = withExifGps(await makeJpeg(48, 32), MARKER);

  const refused = await postForm({ body: "Träd över vägen.", imageAlt: "Ett träd", action: "publish" }, photo, null);
  expect(refused.status).toBe(403);
  expect(await hub.deps.db.select({ id: media.id }).from(media)).toHaveLength(0);

  const res = await postForm(
    { body: "Träd över vägen.", imageAlt: "Ett träd över Storgatan", action: "publish" },
    photo,
    anna.csrf,
  );
  expect(res.status, await res.clone().text()).toBe(303);
  const [update] = await hub.deps.db.select().from(updates).where(eq(updates.incidentId, incidentId));
  expect(update.image?.alt).toBe("Ett träd över Storgatan");
  const [stored] = await hub.deps.db
    .select()
    .from(media)
    .where(eq(media.id, update.image?.mediaId as string));
  expect(containsText(new Uint8Array(stored.bytes), MARKER)).toBe(false);
});

test("an image without alt text is not published; the form keeps the uploaded image", async () => {
  await anna.get(`/staff/incidents/${incidentId}/updates/new`);
  const res = await postForm({ body: "Fler träd.", action: "publish" }, await makeJpeg(8, 8), anna.csrf);
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(html).toContain("alternativtext");
  expect(html).toMatch(/name="imageMediaId" value="[0-9a-f-]{36}"/);
});
