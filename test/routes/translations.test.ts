// Languages through the API: the organisation's languages (Swedish first), translations at
// publish and later (revisions, audit, personnummer guard, offered languages only), accounts'
// languages, and error messages in Swedish or English by Accept-Language.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditLog, updateTranslationRevisions, updateTranslations } from "../../src/db/schema";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { addDepartment, addPerson } from "../helpers/people";

let hub: TestHub;
let incidentId: string;
beforeAll(async () => {
  hub = await startTestHub();
  const admin = api(hub, hub.token);
  incidentId = (await admin.post("/api/v1/incidents", { title: "Översvämning", severity: "major" })).json.id;
});
afterAll(() => hub.close());

async function put(path: string, body: unknown, token = hub.token, headers: Record<string, string> = {}) {
  const res = await hub.app.request(
    path,
    {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    },
    { deps: hub.deps },
  );
  return { status: res.status, json: await res.json() };
}

const countTranslations = async () => (await hub.deps.db.select().from(updateTranslations)).length;

describe("the organisation's languages", () => {
  test("Swedish first, valid tags, each named in itself", async () => {
    const admin = api(hub, hub.token);
    const res = await admin.patch("/api/v1/organisation", { languages: ["sv", "en", "AR", "sv-x-lattlast"] });
    expect(res.status, res.text).toBe(200);
    expect(res.json.languages).toEqual(["sv", "en", "ar", "sv-x-lattlast"]);
    const arabic = res.json.languageNames.find((l: { tag: string }) => l.tag === "ar");
    expect(arabic).toMatchObject({ name: "العربية", direction: "rtl" });
    const audit = await hub.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "organisation.languages_changed"));
    expect(audit).toHaveLength(1);
  });

  test("Swedish not first, a bad tag, or a viewer: refused, nothing changed", async () => {
    const admin = api(hub, hub.token);
    const notFirst = await admin.patch("/api/v1/organisation", { languages: ["en", "sv"] });
    expect(notFirst.status).toBe(400);
    expect(notFirst.json.error.fields[0]).toMatchObject({ field: "languages.0", code: "language_swedish_first" });
    const bad = await admin.patch("/api/v1/organisation", { languages: ["sv", "not a tag"] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields[0]).toMatchObject({ field: "languages.1", code: "language_invalid" });
    expect(bad.json.error.fields[0].message).toContain("not a tag");
    const viewer = await addPerson(hub, { role: "viewer" });
    expect((await api(hub, viewer.token).patch("/api/v1/organisation", { languages: ["sv"] })).status).toBe(403);
    expect((await admin.get("/api/v1/organisation")).json.languages).toEqual(["sv", "en", "ar", "sv-x-lattlast"]);
  });
});

describe("translations", () => {
  test("given at publish: stored with a first revision, the missing languages named", async () => {
    const res = await api(hub, hub.token).post(`/api/v1/incidents/${incidentId}/updates`, {
      body: "Undvik området vid ån.",
      translations: { en: "Avoid the area by the river.", ar: "تجنبوا المنطقة بجانب النهر." },
      targets: [],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.translations.map((t: { language: string }) => t.language).sort()).toEqual(["ar", "en"]);
    expect(res.json.missingLanguages).toEqual(["sv-x-lattlast"]);
    const got = await api(hub, hub.token).get(`/api/v1/updates/${res.json.id}/translations/en`);
    expect(got.json.revisions).toHaveLength(1);
  });

  test("a language not offered, Swedish, or a personnummer in a translation: refused, nothing stored", async () => {
    const admin = api(hub, hub.token);
    const before = await countTranslations();
    const updates = (await admin.get(`/api/v1/incidents/${incidentId}/updates`)).json.updates.length;
    const notOffered = await admin.post(`/api/v1/incidents/${incidentId}/updates`, {
      body: "Text.",
      translations: { fi: "Teksti." },
      targets: [],
    });
    expect(notOffered.status).toBe(400);
    expect(notOffered.json.error.code).toBe("language_not_offered");
    expect(notOffered.json.error.params.language).toBe("fi");
    expect(notOffered.json.error.fields[0].field).toBe("translations.fi");
    const swedish = await admin.post(`/api/v1/incidents/${incidentId}/updates`, {
      body: "Text.",
      translations: { sv: "Text." },
      targets: [],
    });
    expect(swedish.json.error.code).toBe("translation_swedish");
    const pin = await admin.post(`/api/v1/incidents/${incidentId}/updates`, {
      body: "Text.",
      translations: { en: "Call 19121212-1212." },
      targets: [],
    });
    expect(pin.status).toBe(422);
    expect(pin.json.error.fields[0].field).toBe("translations.en");
    expect(await countTranslations()).toBe(before);
    expect((await admin.get(`/api/v1/incidents/${incidentId}/updates`)).json.updates).toHaveLength(updates);
  });

  test("added and changed later: each change a revision, audited; refusals write nothing", async () => {
    const admin = api(hub, hub.token);
    const id = (
      await admin.post(`/api/v1/incidents/${incidentId}/updates`, { body: "Vägen är avstängd.", targets: [] })
    ).json.id;
    const added = await put(`/api/v1/updates/${id}/translations/en`, { body: "The road is closed." });
    expect(added.status).toBe(201);
    const changed = await put(`/api/v1/updates/${id}/translations/EN`, {
      body: "The road is shut.",
      reason: "Wording",
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ language: "en", revision: 2, editReason: "Wording" });
    const [row] = await hub.deps.db
      .select()
      .from(updateTranslations)
      .where(and(eq(updateTranslations.updateId, id), eq(updateTranslations.language, "en")));
    const revisions = await hub.deps.db
      .select()
      .from(updateTranslationRevisions)
      .where(eq(updateTranslationRevisions.translationId, row.id));
    expect(revisions.map((r) => r.body).sort()).toEqual(["The road is closed.", "The road is shut."]);
    const audit = await hub.deps.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["update.translation_added", "update.translation_edited"]),
    );

    const before = await countTranslations();
    expect((await put(`/api/v1/updates/${id}/translations/en`, { body: "The road is shut." })).json.error.code).toBe(
      "text_unchanged",
    );
    expect((await put(`/api/v1/updates/${id}/translations/fi`, { body: "Tie on suljettu." })).status).toBe(400);
    expect((await put(`/api/v1/updates/${id}/translations/sv`, { body: "Vägen." })).status).toBe(400);
    expect((await put(`/api/v1/updates/${id}/translations/ar`, { body: "رقم 19121212-1212" })).status).toBe(422);
    expect((await put(`/api/v1/updates/${id}/translations/ar`, { body: "" })).status).toBe(400);
    expect((await put(`/api/v1/updates/${id}/translations/ar`, { text: "x" })).status).toBe(400);
    const viewer = await addPerson(hub, { role: "viewer" });
    expect((await put(`/api/v1/updates/${id}/translations/ar`, { body: "نص" }, viewer.token)).status).toBe(403);
    const editor = await addPerson(hub, { role: "editor", departmentIds: [await addDepartment(hub, "Teknik")] });
    const notOwn = await put(`/api/v1/updates/${id}/translations/ar`, { body: "نص" }, editor.token);
    expect(notOwn.status).toBe(403);
    expect(notOwn.json.error.code).toBe("editor_own_updates_only");
    expect(
      (await put("/api/v1/updates/00000000-0000-4000-8000-000000000000/translations/ar", { body: "نص" })).status,
    ).toBe(404);
    await admin.post(`/api/v1/updates/${id}/withdraw`, { reason: "Fel händelse" });
    const withdrawn = await put(`/api/v1/updates/${id}/translations/ar`, { body: "نص" });
    expect(withdrawn.status).toBe(409);
    expect(withdrawn.json.error.code).toBe("update_withdrawn");
    expect(await countTranslations()).toBe(before);
  });
});

describe("accounts and error languages", () => {
  test("a language in the address that smuggles a path, a NUL or a huge tag is 400, and nothing is stored", async () => {
    const admin = api(hub, hub.token);
    const id = (await admin.post(`/api/v1/incidents/${incidentId}/updates`, { body: "Skolan är stängd.", targets: [] }))
      .json.id;
    const before = await countTranslations();
    for (const language of ["..%2Fen", "en%00", "x".repeat(300), "en%2F..%2F..%2Fpeople", "%F0%9F%9A%B0"]) {
      const res = await put(`/api/v1/updates/${id}/translations/${language}`, { body: "School is closed." });
      expect(res.status, `${language}: ${JSON.stringify(res.json)}`).toBe(400);
      expect(["language_invalid", "language_not_offered", "invalid_input"]).toContain(res.json.error.code);
    }
    expect(await countTranslations()).toBe(before);
  });

  test("an account's language must be offered; its wait is whole minutes", async () => {
    const admin = api(hub, hub.token);
    const ok = await admin.post("/api/v1/accounts", {
      platform: "mastodon",
      handle: "kommunen_en@mastodon.example",
      language: "en",
      translationWaitMinutes: 15,
    });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json).toMatchObject({ language: "en", translationWaitMinutes: 15 });
    const notOffered = await admin.patch(`/api/v1/accounts/${ok.json.id}`, { language: "fi" });
    expect(notOffered.status).toBe(400);
    expect(notOffered.json.error.params.language).toBe("fi");
    const badWait = await admin.patch(`/api/v1/accounts/${ok.json.id}`, { translationWaitMinutes: 1.5 });
    expect(badWait.status).toBe(400);
    expect(badWait.json.error.fields[0].field).toBe("translationWaitMinutes");
    expect((await admin.get(`/api/v1/accounts/${ok.json.id}`)).json.language).toBe("en");
  });

  test("errors speak Swedish by default and English when asked, with the same code", async () => {
    const path = "/api/v1/updates/00000000-0000-4000-8000-000000000000/translations/en";
    const sv = await put(path, { body: "x" });
    expect(sv.json.error).toMatchObject({ code: "not_found", message: "Uppdateringen finns inte." });
    const en = await put(path, { body: "x" }, hub.token, { "accept-language": "en-GB,en;q=0.9,sv;q=0.5" });
    expect(en.json.error).toMatchObject({ code: "not_found", message: "The update was not found." });
    const prefersSwedish = await put(path, { body: "x" }, hub.token, { "accept-language": "sv, en;q=0.8" });
    expect(prefersSwedish.json.error.message).toBe("Uppdateringen finns inte.");
    const field = await put(path, {}, hub.token, { "accept-language": "en" });
    expect(field.json.error.code).toBe("invalid_input");
    expect(field.json.error.message).toBe("The input is not valid. Check the fields.");
    const fieldSv = await put(path, {});
    expect(fieldSv.json.error.fields[0]).toMatchObject({ field: "body", message: "Fältet saknas eller har fel typ." });
  });
});
