// The view of /prenumerera (and /incidents/:slug/prenumerera): the sign-up forms the hub can
// serve (email when a mail transport is set up, SMS when 46elks is), with the fields' errors in
// Swedish when a sign-up came back wrong.
import { eq } from "drizzle-orm";
import { CHANNELS } from "../../channels/index";
import { incidents, type SubscriberChannelKind } from "../../db/schema";
import type { Deps } from "../../deps";
import { getOrganisation } from "../../domain/publishing/organisation";
import { pageData } from "./pages";

const LANGUAGE_NAMES: Record<string, string> = {
  sv: "Svenska",
  en: "English",
  fi: "Suomi",
  ar: "العربية",
  so: "Soomaali",
  fa: "فارسی",
  ti: "ትግርኛ",
  uk: "Українська",
  pl: "Polski",
  de: "Deutsch",
  "sv-x-lattlast": "Lättläst svenska",
  se: "Davvisámegiella",
  yi: "ייִדיש",
  rom: "Romani",
};

/** Swedish words for what was wrong in a field, by field. */
const FIELD_TEXTS: Record<string, string> = {
  email: "Skriv en e-postadress, till exempel namn@exempel.se.",
  phone: "Skriv ett mobilnummer, till exempel 070-123 45 67.",
  language: "Välj ett av språken i listan.",
  incident: "Händelsen finns inte längre eller är avslutad. Välj Alla händelser eller en annan händelse.",
};

export interface SubscribeForm {
  channel: SubscriberChannelKind;
  email?: string;
  phone?: string;
  incident?: string;
  language?: string;
}

export function fieldText(field: string): string {
  return FIELD_TEXTS[field] ?? "Kontrollera uppgiften.";
}

export async function subscribePageData(
  deps: Deps,
  options: { incidentSlug?: string; filled?: SubscribeForm; fieldErrors?: string[] } = {},
) {
  const base = await pageData(deps);
  const org = await getOrganisation(deps.db);
  const active = await deps.db
    .select({ slug: incidents.slug, title: incidents.title })
    .from(incidents)
    .where(eq(incidents.status, "active"));
  const incident = options.incidentSlug ? active.find((i) => i.slug === options.incidentSlug) : undefined;
  const filled = options.filled;
  const errors = options.fieldErrors ?? [];
  const forms = (["email", "sms"] as const)
    .filter((kind) => CHANNELS[kind].configured(deps))
    .map((kind) => {
      const field = kind === "email" ? "email" : "phone";
      const mine = filled?.channel === kind;
      const error = mine && errors.includes(field) ? fieldText(field) : "";
      return {
        channel: kind,
        field,
        action: `${base.publicUrl}/prenumerera/${kind === "email" ? "e-post" : "sms"}`,
        heading: kind === "email" ? "E-post" : "SMS",
        label: kind === "email" ? "Din e-postadress" : "Ditt mobilnummer",
        hint:
          kind === "email"
            ? "Du får ett e-postmeddelande med en länk som du öppnar för att bekräfta."
            : "Du får ett SMS med en kod som du skriver in på nästa sida.",
        type: kind === "email" ? "email" : "tel",
        autocomplete: kind === "email" ? "email" : "tel",
        value: (mine ? (kind === "email" ? filled?.email : filled?.phone) : "") ?? "",
        incident: mine ? (filled?.incident ?? "") : (incident?.slug ?? ""),
        language: mine ? (filled?.language ?? "sv") : "sv",
        button: kind === "email" ? "Prenumerera via e-post" : "Prenumerera via SMS",
        error,
      };
    });
  const summary = errors
    .filter((f) => f !== "email" && f !== "phone")
    .map((f) => ({
      id: filled?.channel === "sms" ? `phone-${idSuffix(f)}` : `email-${idSuffix(f)}`,
      text: fieldText(f),
    }));
  const fieldSummary = forms.filter((f) => f.error).map((f) => ({ id: f.field, text: f.error }));
  const title = incident ? `Prenumerera på ${incident.title}` : "Prenumerera på krisinformationen";
  return {
    ...base,
    title,
    heading: title,
    description: `Så får du ${base.orgName}s krisinformation direkt när den publiceras.`,
    canonical: `${base.publicUrl}${incident ? `/incidents/${incident.slug}` : ""}/prenumerera`,
    incident,
    incidents: active,
    languages: org.languages.map((tag) => ({ tag, name: LANGUAGE_NAMES[tag] ?? tag })),
    forms,
    errors: [...fieldSummary, ...summary],
    retentionDays: deps.config.subscriberRetentionDays,
  };
}

function idSuffix(field: string): string {
  return field === "incident" ? "handelse" : field === "language" ? "sprak" : field;
}
