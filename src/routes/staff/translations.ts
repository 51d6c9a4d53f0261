// Translations of one update in the staff pages: which of the organisation's languages are
// missing, and a form to add or change one (a new revision; accounts of that language get it).
import { type Context, Hono } from "hono";
import type { DbOrTx } from "../../db/client";
import type { AppEnv } from "../../deps";
import { requireCan } from "../../domain/people/access";
import { requireIncident } from "../../domain/publishing/incidents";
import { describeLanguage, translationLanguages } from "../../domain/publishing/languages";
import { readOfferedLanguages } from "../../domain/publishing/organisation-languages";
import { saveTranslation } from "../../domain/publishing/translation-edit";
import {
  findTranslation,
  listTranslationRevisions,
  listTranslations,
  requireTranslationLanguage,
} from "../../domain/publishing/translations";
import { requireUpdate } from "../../domain/publishing/updates";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

const MESSAGES: Record<string, string> = {
  body: "Skriv översättningen (högst 5 000 tecken).",
  reason: "Skälet ska vara 3–500 tecken, eller lämnas tomt.",
  language: "Välj ett av kommunens språk.",
};

/** Every offered language but Swedish, with the update's translation in it where there is one. */
export async function languageVersionsOf(db: DbOrTx, updateId: string) {
  const [offered, rows] = await Promise.all([readOfferedLanguages(db), listTranslations(db, updateId)]);
  return translationLanguages(offered).map((tag) => {
    const translation = rows.find((t) => t.language === tag) ?? null;
    return { ...describeLanguage(tag), translation };
  });
}

async function translationPage(
  c: Context<AppEnv>,
  updateId: string,
  rawLanguage: string,
  values: { body: string; reason: string } | null,
  errors: { field: string; message: string }[] = [],
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  requireCan(c.get("actor"), "update.edit");
  const update = await requireUpdate(deps.db, updateId);
  const incident = await requireIncident(deps.db, update.incidentId);
  const language = requireTranslationLanguage(await readOfferedLanguages(deps.db), rawLanguage);
  const translation = await findTranslation(deps.db, update.id, language);
  const revisions = translation ? await listTranslationRevisions(deps.db, translation.id) : [];
  const info = describeLanguage(language);
  return renderPage(
    c,
    "staff/translation-form",
    {
      title: `${translation ? "Ändra" : "Lägg till"} ${info.swedishName.toLowerCase()}: uppdatering ${update.number}`,
      section: "incidents",
      update,
      incident,
      language: info,
      translation,
      revisions,
      values: values ?? { body: translation?.body ?? "", reason: "" },
      errors,
    },
    status,
  );
}

export const translationPages = new Hono<AppEnv>()
  .get("/updates/:id/translations/:language", (c) =>
    translationPage(c, c.req.param("id"), c.req.param("language"), null),
  )
  .post("/updates/:id/translations/:language", async (c) => {
    const { deps } = c.env;
    // Who may ask comes before what was asked: a viewer gets 403, not the form's errors.
    requireCan(c.get("actor"), "update.edit");
    const form = await readForm(c.req);
    const values = { body: text(form, "body"), reason: text(form, "reason") };
    const language = c.req.param("language");
    try {
      const saved = await saveTranslation(deps, c.get("actor"), c.req.param("id"), language, {
        body: values.body,
        ...(values.reason ? { reason: values.reason } : {}),
      });
      return c.redirect(`/staff/updates/${saved.update.id}?klart=oversatt#sprak`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, MESSAGES, "body");
      if (!errors) throw error;
      return translationPage(c, c.req.param("id"), language, values, errors, errorStatus(error));
    }
  });
