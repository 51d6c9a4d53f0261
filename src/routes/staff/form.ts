// Form posts in, Swedish error summaries out. Domain functions speak English to API clients;
// the staff pages say the same things in Swedish, next to the field they concern.
import { ZodError } from "zod";
import { AppError, type FieldError, fieldsOf, InvalidInputError } from "../../errors";
import { viewHelpers } from "../../render/view-helpers";
import { unstorableFormFields } from "../unstorable-text";

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
    throw new InvalidInputError(`Invalid input: ${unstorable.map((f) => f.field).join(", ")}.`, unstorable);
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
    // A refusal the table knows says more than its fields do ("already registered" on handle).
    const known = knownInSwedish(error.message);
    if (known) {
      const field = error.fields?.length === 1 ? error.fields[0].field : fallbackField;
      return [{ field: anchorOf(field), message: known }];
    }
    if (!error.fields?.length) return [{ field: anchorOf(fallbackField), message: inSwedish(error) }];
    fields = error.fields;
  } else return null;
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const f of fields) {
    const top = f.field.split(".")[0];
    const field = swedish || f.field in messages ? f.field : top in messages ? top : fallbackField;
    const message = swedish
      ? f.message
      : (messages[field] ?? knownInSwedish(f.message) ?? `Det gick inte: ${f.message}`);
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

/** Refusals the staff pages meet, said in Swedish; anything else keeps its words. */
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
  "Nothing to change.": "Inget är ändrat. Ändra något innan du sparar.",
  // The account registry, snapshots and closing.
  "The account is already registered.": "Kontot är redan registrerat för den här plattformen.",
  "Unknown department.": "Verksamheten finns inte. Välj en verksamhet i listan.",
  "The department is retired.": "Verksamheten är avvecklad. Välj en aktiv verksamhet.",
  "The account is closed; closed accounts are not checked.": "Kontot är stängt. Stängda konton kontrolleras inte.",
  "The period cannot end in the future.": "Perioden kan inte sluta i framtiden.",
  "The period starts after it ends.": "Perioden börjar efter att den slutar. Byt plats på datumen.",
  // Departments.
  "The department is retired and can no longer be renamed.": "Verksamheten är avvecklad och kan inte längre byta namn.",
  "The department is already retired.": "Verksamheten är redan avvecklad.",
  // The moderation log.
  "An editor registers removals only on their own department's accounts.":
    "Som redaktör kan du bara registrera borttaget innehåll i din egen verksamhets konton.",
  "The account is on another platform.": "Kontot du valde finns på en annan plattform. Välj samma plattform.",
  "Unknown account.": "Kontot finns inte. Välj ett konto i listan.",
  "Unknown incident.": "Händelsen finns inte. Välj en händelse i listan.",
  "removedAt is in the future.": "Tiden då innehållet togs bort kan inte ligga i framtiden.",
  "The author is already recorded as told.": "Det är redan antecknat att skribenten har fått veta.",
  // Records.
  "The period starts in the future.": "Perioden börjar i framtiden. Välj en första dag som har varit.",
};

/** Refusals whose English carries names or times: the pattern and its Swedish. */
const KNOWN_PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /^The \w+ account (.+) is already registered\.$/,
    (m) => `Kontot ${m[1]} är redan registrerat för den här plattformen.`,
  ],
  [/^The account was already closed (.*)\.$/, (m) => `Kontot är redan stängt${m[1] ? ` (${m[1]})` : ""}.`],
  [
    /^An account is archived before it is closed: .*The account has no snapshot\.$/s,
    () => "Kontot måste arkiveras innan det stängs, och det har ingen ögonblicksbild. Ta en ögonblicksbild först.",
  ],
  [
    /^An account is archived before it is closed: .*The latest snapshot is from (\S+), older than (\d+) days\.$/s,
    (m) =>
      `Kontot måste arkiveras innan det stängs. Den senaste ögonblicksbilden (${viewHelpers.when(m[1])}) är äldre än ${m[2]} dagar. Ta en ny ögonblicksbild först.`,
  ],
  [/^A department named "(.*)" already exists\.$/s, (m) => `Det finns redan en verksamhet som heter ”${m[1]}”.`],
  [
    /^The department still owns active accounts: (.*)\. Move them to another department or close them first\.$/s,
    (m) =>
      `Verksamheten äger fortfarande aktiva konton (${m[1]}). Flytta dem till en annan verksamhet eller stäng dem först.`,
  ],
];

/** The Swedish for a domain message, or null when the table does not know it. */
export function knownInSwedish(message: string): string | null {
  if (KNOWN[message]) return KNOWN[message];
  for (const [pattern, say] of KNOWN_PATTERNS) {
    const m = pattern.exec(message);
    if (m) return say(m);
  }
  return null;
}

function inSwedish(error: AppError): string {
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
