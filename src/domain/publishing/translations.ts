// Translations of an update: one row per language other than Swedish, each change a revision
// (as update_revisions keeps the Swedish text's). Only the organisation's offered languages.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { updateTranslationRevisions, updateTranslations } from "../../db/schema";
import { type FieldError, InvalidInputError } from "../../errors";
import { canonicalLanguageTag, isSwedish, translationLanguages } from "./languages";

export type Translation = typeof updateTranslations.$inferSelect;

export const TranslationBody = z.string().trim().min(1).max(5000);
/** `{ "en": "...", "ar": "..." }` beside an update's Swedish body. */
export const TranslationsInput = z.record(z.string().max(40), TranslationBody).default({});

/** Why a language cannot carry a translation, as a field error; null when it can. */
function languageProblem(offered: readonly string[], raw: string, field: string): FieldError | null {
  const tag = canonicalLanguageTag(raw);
  if (!tag)
    return {
      field,
      code: "language_invalid",
      message: `"${raw}" is not a valid BCP 47 language tag.`,
      params: { language: raw },
    };
  if (isSwedish(tag))
    return {
      field,
      code: "translation_swedish",
      message: "Swedish is the update's own body; edit the update instead.",
      params: { language: tag },
    };
  if (!offered.includes(tag))
    return {
      field,
      code: "language_not_offered",
      message: `The organisation does not offer "${tag}" (it offers ${offered.join(", ")}).`,
      params: { language: tag },
    };
  return null;
}

function refuse(problems: FieldError[]): never {
  const first = problems[0];
  throw new InvalidInputError(first.code as "language_invalid", problems.map((p) => p.message).join(" "), {
    fields: problems,
    params: first.params,
  });
}

/** The translations with canonical tags; a 400 naming every language that is not offered. */
export function checkTranslations(offered: readonly string[], raw: Record<string, string>): Record<string, string> {
  const problems: FieldError[] = [];
  const out: Record<string, string> = {};
  for (const [language, body] of Object.entries(raw)) {
    const problem = languageProblem(offered, language, `translations.${language}`);
    if (problem) problems.push(problem);
    else out[canonicalLanguageTag(language) as string] = body;
  }
  if (problems.length) refuse(problems);
  return out;
}

/** One offered language other than Swedish, canonical; a 400 naming it otherwise. */
export function requireTranslationLanguage(offered: readonly string[], raw: string, field = "language"): string {
  const problem = languageProblem(offered, raw, field);
  if (problem) refuse([problem]);
  return canonicalLanguageTag(raw) as string;
}

/** An account's language: any offered one, Swedish included. */
export function requireOfferedLanguage(offered: readonly string[], raw: string, field = "language"): string {
  const tag = canonicalLanguageTag(raw);
  if (tag && isSwedish(tag)) return tag;
  return requireTranslationLanguage(offered, raw, field);
}

export async function insertTranslations(
  tx: DbOrTx,
  updateId: string,
  translations: Record<string, string>,
  createdBy: string | null,
  now: Date,
): Promise<Translation[]> {
  const entries = Object.entries(translations);
  if (!entries.length) return [];
  const rows = await tx
    .insert(updateTranslations)
    .values(entries.map(([language, body]) => ({ updateId, language, body, createdBy, createdAt: now })))
    .returning();
  await tx
    .insert(updateTranslationRevisions)
    .values(rows.map((r) => ({ translationId: r.id, revision: 1, body: r.body, createdBy, createdAt: now })));
  return rows;
}

export async function listTranslations(db: DbOrTx, updateId: string): Promise<Translation[]> {
  return db
    .select()
    .from(updateTranslations)
    .where(eq(updateTranslations.updateId, updateId))
    .orderBy(asc(updateTranslations.createdAt), asc(updateTranslations.language));
}

export async function findTranslation(db: DbOrTx, updateId: string, language: string) {
  const [row] = await db
    .select()
    .from(updateTranslations)
    .where(and(eq(updateTranslations.updateId, updateId), eq(updateTranslations.language, language)));
  return row ?? null;
}

export async function listTranslationRevisions(db: DbOrTx, translationId: string) {
  return db
    .select()
    .from(updateTranslationRevisions)
    .where(eq(updateTranslationRevisions.translationId, translationId))
    .orderBy(asc(updateTranslationRevisions.revision));
}

/** The offered languages (Swedish aside) an update has no translation in yet. */
export function missingLanguages(offered: readonly string[], translations: readonly Pick<Translation, "language">[]) {
  const have = new Set(translations.map((t) => t.language));
  return translationLanguages(offered).filter((tag) => !have.has(tag));
}

/** The API's view of a translation. */
export function toTranslationView(t: Translation) {
  return {
    language: t.language,
    body: t.body,
    revision: t.revision,
    createdAt: t.createdAt,
    editedAt: t.editedAt,
    editReason: t.editReason,
  };
}
