// Form posts in, Swedish error summaries out. Domain functions speak English to API clients;
// the staff pages say the same things in Swedish, chosen by error code, next to the field they concern.
import { ZodError } from "zod";
import { AppError, type ErrorParams, type FieldError, fieldsOf, InvalidInputError, isErrorCode } from "../../errors";
import { unstorableFormFields } from "../unstorable-text";
import { errorText } from "./error-texts";

export type Form = Record<string, string | string[]>;

/** The posted form; fields sent more than once (checkboxes) become arrays. */
export async function readForm(req: { parseBody(options: { all: true }): Promise<Record<string, unknown>> }) {
  const body = await req.parseBody({ all: true });
  const form: Form = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === "string") form[key] = value;
    else if (Array.isArray(value)) form[key] = value.filter((v): v is string => typeof v === "string");
  }
  const unstorable = unstorableFormFields(form);
  if (unstorable.length) {
    throw new InvalidInputError("invalid_input", `Invalid input: ${unstorable.map((f) => f.field).join(", ")}.`, {
      fields: unstorable,
    });
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
 * Field errors for the page, worded by error code (error-texts.ts): the page's own message for a
 * field where it has one, the code's Swedish otherwise. Returns null for errors that are not
 * about the input, which the caller lets through.
 */
/** The validator's own words are English: a field no page names gets plain Swedish instead. */
const UNNAMED_FIELD_MESSAGE = "Uppgiften går inte att spara som den är skriven. Kontrollera den och försök igen.";

export function toSwedishErrors(
  error: unknown,
  messages: Record<string, string>,
  fallbackField: string,
): FieldError[] | null {
  let fields: FieldError[];
  let params: ErrorParams = {};
  if (error instanceof ZodError) fields = fieldsOf(error);
  else if (error instanceof AppError && error.status !== 404 && error.status !== 401) {
    params = error.params ?? {};
    const own =
      error.code !== "invalid_input" &&
      Boolean(error.fields?.length) &&
      error.fields?.every((f) => f.code === error.code);
    // A refusal says more than the page's words for its field ("already registered" on handle);
    // fields carrying the refusal's own code say where each instance is (every personnummer).
    if (!error.fields?.length || (error.code !== "invalid_input" && !own)) {
      const field = error.fields?.length === 1 ? error.fields[0].field : fallbackField;
      return [{ field: anchorOf(field), message: errorText(error.code, params) }];
    }
    fields = error.fields ?? [];
    if (own) {
      return dedupe(
        fields.map((f) => ({ field: f.field, message: errorText(error.code, { ...params, ...f.params }) })),
      );
    }
  } else return null;
  return dedupe(
    fields.map((f) => {
      const top = f.field.split(".")[0];
      const named = f.field in messages ? f.field : top in messages ? top : null;
      const coded =
        isErrorCode(f.code) && f.code !== "invalid_input" ? errorText(f.code, { ...params, ...f.params }) : null;
      const message = (named ? messages[named] : null) ?? coded ?? messages[fallbackField] ?? UNNAMED_FIELD_MESSAGE;
      return { field: named ?? fallbackField, message };
    }),
  );
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    const key = `${e.field}\u0000${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field: anchorOf(e.field), message: e.message });
  }
  return out;
}

/** "variants.x" names the form field "variant-x": ids in the page cannot hold a dot nicely. */
export function anchorOf(field: string): string {
  return field.replace(/\./g, "-");
}

/** The status a form page answers with when it shows these errors again. */
export function errorStatus(error: unknown): 400 | 403 | 409 | 422 {
  if (error instanceof AppError && (error.status === 403 || error.status === 409 || error.status === 422)) {
    return error.status;
  }
  return 400;
}
