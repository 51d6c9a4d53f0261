// Placeholders in crisis message templates: `{område}`, `{tid}` ... A fixed set, so that a typo in
// a template (`{omrde}`) is refused when the template is saved, and any of the set left in a post
// is refused when it is published: a resident must never read "Vattnet är avstängt i {område}".
import { InvalidInputError } from "../../errors";

export const PLACEHOLDERS = ["område", "tid", "datum", "telefon", "webbplats", "plats", "orsak"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const KNOWN = new Set<string>(PLACEHOLDERS);
// A brace-wrapped word of letters (Swedish ones included); `{ }` around other text is not a placeholder.
const PLACEHOLDER_PATTERN = /\{([\p{L}_]+)\}/gu;

/** Every `{word}` in the text, in order of first appearance, each once. */
export function findPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]))];
}

export interface PlaceholderField {
  field: string;
  text: string;
}

/** Refuses text that still holds a placeholder of the set: it was meant to be filled before publishing. */
export function refuseUnfilledPlaceholders(fields: PlaceholderField[]): void {
  const found = fields.flatMap((f) =>
    findPlaceholders(f.text)
      .filter((p) => KNOWN.has(p))
      .map((placeholder) => ({ field: f.field, placeholder })),
  );
  if (!found.length) return;
  const first = found[0].placeholder;
  throw new InvalidInputError("placeholder_unfilled", `Fill in the placeholder {${first}} before publishing.`, {
    fields: found.map((f) => ({
      field: f.field,
      code: "placeholder_unfilled",
      message: `{${f.placeholder}} is not filled in.`,
      params: { placeholder: f.placeholder },
    })),
    params: { placeholder: first, placeholders: [...new Set(found.map((f) => f.placeholder))].join(", ") },
  });
}

/** Refuses template text with a `{word}` outside the set: a typo would otherwise slip through unfilled. */
export function refuseUnknownPlaceholders(fields: PlaceholderField[]): void {
  const found = fields.flatMap((f) =>
    findPlaceholders(f.text)
      .filter((p) => !KNOWN.has(p))
      .map((placeholder) => ({ field: f.field, placeholder })),
  );
  if (!found.length) return;
  const first = found[0].placeholder;
  throw new InvalidInputError(
    "placeholder_unknown",
    `Unknown placeholder {${first}}; the known ones are ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}.`,
    {
      fields: found.map((f) => ({
        field: f.field,
        code: "placeholder_unknown",
        message: `{${f.placeholder}} is not a known placeholder.`,
        params: { placeholder: f.placeholder },
      })),
      params: { placeholder: first, known: PLACEHOLDERS.join(", ") },
    },
  );
}
