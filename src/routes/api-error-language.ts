// The API answers errors in Swedish unless the client prefers English (Accept-Language). The
// `code` never changes with the language; `message` and each field's `message` do, and `detail`
// keeps the text the error was raised with, for logs and bug reports.
import { type FieldError, type HttpError, isErrorCode } from "../errors";
import { errorText, type Locale } from "./staff/error-texts";

/** Highest-weighted of sv and en in an Accept-Language header; Swedish when neither or none. */
export function chooseApiLocale(header: string | undefined | null): Locale {
  if (!header) return "sv";
  let best: { locale: Locale; q: number } = { locale: "sv", q: 0 };
  for (const part of header.split(",").slice(0, 20)) {
    const [range, ...params] = part.trim().split(";");
    const primary = range.trim().toLowerCase().split("-")[0];
    if (primary !== "sv" && primary !== "en") continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > best.q) best = { locale: primary, q };
  }
  return best.locale;
}

/** Words for zod's own issue codes (a field that failed its schema). */
const ISSUE_TEXT: Record<Locale, Record<string, string>> = {
  sv: {
    invalid_type: "Fältet saknas eller har fel typ.",
    too_small: "Värdet är för kort eller för litet.",
    too_big: "Värdet är för långt eller för stort.",
    invalid_format: "Värdet har fel format.",
    invalid_value: "Värdet är inte ett av de tillåtna.",
    unrecognized_keys: "Fältet finns inte.",
    invalid_union: "Värdet är inte giltigt.",
    not_multiple_of: "Värdet är inte giltigt.",
    custom: "Värdet är inte giltigt.",
  },
  en: {
    invalid_type: "The field is missing or has the wrong type.",
    too_small: "The value is too short or too small.",
    too_big: "The value is too long or too large.",
    invalid_format: "The value has the wrong format.",
    invalid_value: "The value is not one of those allowed.",
    unrecognized_keys: "The field is not known.",
    invalid_union: "The value is not valid.",
    not_multiple_of: "The value is not valid.",
    custom: "The value is not valid.",
  },
};

function fieldMessage(field: FieldError, locale: Locale): string {
  if (isErrorCode(field.code)) return errorText(field.code, field.params ?? {}, locale);
  // English clients keep zod's own words, which say more (the limit, the expected type).
  if (locale === "en") return field.message;
  return (field.code && ISSUE_TEXT[locale][field.code]) ?? ISSUE_TEXT[locale].custom;
}

export function localiseErrorBody(body: HttpError["body"], locale: Locale) {
  const { code, message, fields, params } = body.error;
  if (!isErrorCode(code)) return body;
  return {
    error: {
      code,
      // A code raised for a field words itself with that field's parameters (where the personnummer is).
      message: errorText(code, { ...fields?.find((f) => f.code === code)?.params, ...params }, locale),
      detail: message,
      ...(fields ? { fields: fields.map((f) => ({ ...f, message: fieldMessage(f, locale) })) } : {}),
      ...(params ? { params } : {}),
    },
  };
}
