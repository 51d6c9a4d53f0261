// Text PostgreSQL cannot store: a NUL byte in any text, and a lone UTF-16 surrogate, which
// JSON allows ("\ud83d") but UTF-8 columns and jsonb do not. Found anywhere in a parsed body or
// query, named by its path, so the answer is a 400 naming the field rather than a 500.
import type { FieldError } from "../errors";

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function unstorableTextFields(value: unknown, root = ""): FieldError[] {
  const fields: FieldError[] = [];
  walk(value, root, fields);
  return fields;
}

function walk(value: unknown, path: string, fields: FieldError[]) {
  if (typeof value === "string") {
    if (UNSTORABLE.test(value))
      fields.push({ field: path || "(body)", code: "unstorable_text", message: messageFor(value) });
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, `${path}.${i}`, fields);
    return;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (UNSTORABLE.test(key))
        fields.push({ field: at, code: "unstorable_text", message: "The field name cannot be stored." });
      walk(item, at, fields);
    }
  }
}

function messageFor(text: string): string {
  return text.includes("\u0000")
    ? "Text cannot contain a NUL character."
    : "Text cannot contain a lone UTF-16 surrogate (invalid Unicode).";
}

/** Query strings and forms send a field more than once (checkboxes): name the field, not each copy. */
export function unstorableFormFields(form: Record<string, unknown>): FieldError[] {
  return unstorableTextFields(
    Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v.join("\n") : v])),
  );
}
