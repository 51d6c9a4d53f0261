// Form posts in, Swedish error summaries out. Domain functions speak English to API clients;
// the staff pages say the same things in Swedish, next to the field they concern.
import { ZodError } from "zod";
import { AppError, type FieldError, fieldsOf } from "../../errors";

export type Form = Record<string, string | string[]>;

/** The posted form; fields sent more than once (checkboxes) become arrays. */
export async function readForm(req: { parseBody(options: { all: true }): Promise<Record<string, unknown>> }) {
  const body = await req.parseBody({ all: true });
  const form: Form = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === "string") form[key] = value;
    else if (Array.isArray(value)) form[key] = value.filter((v): v is string => typeof v === "string");
  }
  return form;
}

export function text(form: Form, key: string): string {
  const value = form[key];
  return (Array.isArray(value) ? (value[0] ?? "") : (value ?? "")).trim();
}

export function list(form: Form, key: string): string[] {
  const value = form[key];
  return (Array.isArray(value) ? value : value ? [value] : []).map((v) => v.trim()).filter(Boolean);
}

/** An optional text field: empty means "not given". */
export function optional(form: Form, key: string): string | undefined {
  return text(form, key) || undefined;
}

/**
 * Field errors for the page: the Swedish message written for the field where there is one,
 * the domain's own message where it is already Swedish (personnummer), a general one otherwise.
 * Returns null for errors that are not about the input, which the caller lets through.
 */
export function toSwedishErrors(
  error: unknown,
  messages: Record<string, string>,
  fallbackField: string,
): FieldError[] | null {
  let fields: FieldError[];
  let swedish = false;
  if (error instanceof ZodError) fields = fieldsOf(error);
  else if (error instanceof AppError && error.status !== 404 && error.status !== 401) {
    swedish = error.code === "personal_identity_number";
    if (!error.fields?.length) return [{ field: anchorOf(fallbackField), message: inSwedish(error) }];
    fields = error.fields;
  } else return null;
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const f of fields) {
    const top = f.field.split(".")[0];
    const field = swedish || f.field in messages ? f.field : top in messages ? top : fallbackField;
    const message = swedish ? f.message : (messages[field] ?? `Det gick inte: ${f.message}`);
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field: anchorOf(field), message });
  }
  return out;
}

/** "variants.x" names the form field "variant-x": ids in the page cannot hold a dot nicely. */
export function anchorOf(field: string): string {
  return field.replace(/\./g, "-");
}

/** Field-less refusals the staff pages meet, said in Swedish; anything else keeps its words. */
const KNOWN: Record<string, string> = {
  "The incident is resolved; reopen it to post updates.":
    "Händelsen är avslutad. Det går inte att publicera fler uppdateringar i den.",
  "The incident is already resolved.": "Händelsen är redan avslutad.",
  "The text is unchanged.": "Texten är oförändrad. Ändra texten innan du sparar.",
  "The update is already withdrawn.": "Uppdateringen är redan tillbakadragen.",
  "A withdrawn update cannot be edited.": "En tillbakadragen uppdatering kan inte ändras.",
  "Department accounts can be borrowed only while the incident is active.":
    "En verksamhets konto kan bara lånas medan händelsen pågår.",
  "An editor (redaktör) may change only the updates they posted.":
    "Som redaktör kan du bara ändra uppdateringar som du själv har publicerat.",
  "This is the last active admin; appoint another admin first.":
    "Det här är den sista aktiva administratören. Utse en annan administratör först.",
};

function inSwedish(error: AppError): string {
  if (KNOWN[error.message]) return KNOWN[error.message];
  if (error.status === 403) return "Din roll ger inte behörighet till det här. Be en administratör om hjälp.";
  return `Det gick inte: ${error.message}`;
}

/** The status a form page answers with when it shows these errors again. */
export function errorStatus(error: unknown): 400 | 403 | 409 | 422 {
  if (error instanceof AppError && (error.status === 403 || error.status === 409 || error.status === 422)) {
    return error.status;
  }
  return 400;
}
