// Words for error codes, one table per language. The staff pages speak Swedish; the API chooses
// Swedish or English by Accept-Language (routes/api-error-language.ts; English in ../error-texts-en.ts).
import type { ErrorCode, ErrorParams } from "../../errors";
import { viewHelpers } from "../../render/view-helpers";
import { en } from "../error-texts-en";

/** A text with {param} placeholders, or a function where a parameter needs formatting. */
export type ErrorText = string | ((params: ErrorParams) => string);
export type Locale = "sv" | "en";

const WHAT_SV: Record<string, string> = {
  incident: "Händelsen",
  update: "Uppdateringen",
  account: "Kontot",
  department: "Verksamheten",
  template: "Mallen",
  translation: "Översättningen",
  person: "Personen",
  token: "Nyckeln",
  removal: "Posten i moderationsloggen",
  snapshot: "Ögonblicksbilden",
  delivery: "Leveransen",
  notification: "Aviseringen",
};

/** Why a sign-in through the identity provider was refused (domain/people/oidc-client.ts). */
const OIDC_REASON_SV: Record<string, string> = {
  state_mismatch: "svaret hörde inte till den inloggning som påbörjades i den här webbläsaren",
  flow_expired: "inloggningen påbörjades för länge sedan eller i en annan webbläsare",
  nonce_mismatch: "inloggningsbeviset hörde inte till den här inloggningen",
  token_expired: "inloggningsbeviset har gått ut",
  audience_mismatch: "inloggningsbeviset var utfärdat för en annan tjänst",
  issuer_mismatch: "inloggningsbeviset kom från en annan utfärdare än kommunens",
  signature_invalid: "inloggningsbeviset kunde inte verifieras",
  provider_refused: "identitetsleverantören avbröt eller nekade inloggningen",
  provider_unreachable: "identitetsleverantören svarar inte",
  claims_missing: "identitetsleverantören skickade inget namn eller ingen e-postadress",
};

const FORBIDDEN_SV = "Din roll ger inte behörighet till det här. Be en administratör om hjälp.";

const sv: Record<ErrorCode, ErrorText> = {
  invalid_input: "Uppgifterna är inte giltiga. Kontrollera fälten.",
  invalid_json: "Förfrågan är inte giltig JSON.",
  nothing_to_change: "Inget är ändrat. Ändra något innan du sparar.",
  department_unknown: "Verksamheten finns inte. Välj en verksamhet i listan.",
  department_retired: "Verksamheten är avvecklad. Välj en aktiv verksamhet.",
  editor_department_required: "En redaktör ska ha minst en verksamhet. Välj bland verksamheterna i listan.",
  account_unknown: "Kontot finns inte. Välj ett konto i listan.",
  incident_unknown: "Händelsen finns inte. Välj en händelse i listan.",
  area_code_unknown: (p) =>
    p.areaCode
      ? `Områdeskoden ${p.areaCode} finns inte. Välj län och kommuner i listan.`
      : "En av områdeskoderna finns inte. Välj län och kommuner i listan.",
  polygon_not_closed: "Polygonen är inte sluten: den sista punkten ska vara samma som den första.",
  language_invalid: (p) =>
    `${p.language ? `”${p.language}”` : "Språkkoden"} är ingen giltig språkkod (BCP 47), till exempel en, ar eller sv-x-lattlast.`,
  language_not_offered: (p) =>
    `Kommunen erbjuder inte språket ${p.language ? `”${p.language}”` : ""}. Lägg till det bland kommunens språk först.`,
  language_swedish_first: "Svenska (sv) ska alltid stå först bland språken.",
  translation_swedish: "Den svenska texten är uppdateringens egen text. Ändra uppdateringen i stället.",
  target_unknown: "Ett av de valda kontona finns inte längre. Välj konton i listan.",
  target_closed: "Ett av de valda kontona är stängt. Välj bara aktiva konton.",
  account_platform_mismatch: "Kontot du valde finns på en annan plattform. Välj samma plattform.",
  removed_at_in_future: "Tiden då innehållet togs bort kan inte ligga i framtiden.",
  period_ends_in_future: "Perioden kan inte sluta i framtiden.",
  period_starts_in_future: "Perioden börjar i framtiden. Välj en första dag som har varit.",
  period_reversed: "Perioden börjar efter att den slutar. Byt plats på datumen.",
  current_password_wrong: "Det nuvarande lösenordet stämmer inte.",
  unauthorized: "Du behöver logga in.",
  wrong_credentials: "Fel e-postadress eller lösenord.",
  oidc_sign_in_failed: (p) =>
    `Inloggningen misslyckades: ${OIDC_REASON_SV[String(p.reason)] ?? "svaret kunde inte godtas"}. Försök logga in igen.`,
  oidc_no_role:
    "Du saknar behörighet till Kriskanal. Kontakta kommunikationsavdelningen eller en administratör av Kriskanal om du behöver tillgång.",
  password_sign_in_off: "Inloggning med lösenord är avstängd. Logga in med kommunens konto.",
  oidc_email_taken:
    "Det finns redan en person i Kriskanal med din e-postadress. Be en administratör att koppla den personen till inloggningen via kommunens konto (på personens sida), eller ändra eller avsluta den, och logga in igen.",
  person_already_linked: "Personen loggar redan in med kommunens konto.",
  oidc_not_configured: "Inloggning med kommunens konto är inte inställd.",
  inbox_item_removed: "Inlägget är borttaget och kan inte besvaras.",
  inbox_answer_pending: "Ett svar på inlägget skickas redan. Vänta tills det har gått ut eller misslyckats.",
  assignee_unknown: "Välj en person i listan att tilldela inlägget.",
  exercise_fixed:
    "En övning förblir en övning och en verklig händelse förblir verklig. Öppna en ny händelse eller övning i stället.",
  exercise_account_required: (p) =>
    p.accounts
      ? `Övning: ${p.accounts} är inget övningskonto och hoppas över. En övning publiceras bara i övningskonton.`
      : "Övning: kontot är inget övningskonto och hoppas över. En övning publiceras bara i övningskonton.",
  incident_not_exercise: "Bara en övning kan återställas. En verklig händelse avslutas i stället.",
  exercise_already_reset: "Övningen är redan återställd. Öppna en ny övning från den i stället.",
  forbidden: FORBIDDEN_SV,
  role_forbidden: FORBIDDEN_SV,
  scope_forbidden: "Nyckeln ger inte behörighet till det här.",
  token_read_only: "Nyckeln får bara läsa.",
  csrf_required: "Formuläret har gått ut. Ladda om sidan och försök igen.",
  account_not_permitted: "Du får inte publicera i kontot {platform} {handle}.",
  borrowing_incident_not_active: "En verksamhets konto kan bara lånas medan händelsen pågår.",
  borrowing_reason_required:
    "Du lånar en annan verksamhets konto ({accounts}). Skriv varför i fältet Skäl till att låna konton.",
  editor_own_updates_only: "Som redaktör kan du bara ändra uppdateringar som du själv har publicerat.",
  four_eyes: "Någon annan än den som skrev uppdateringen måste godkänna den.",
  removal_own_department_only: "Som redaktör kan du bara registrera borttaget innehåll i din egen verksamhets konton.",
  tokens_of_others: "Bara administratörer hanterar andras API-nycklar.",
  token_scopes_too_wide: "En nyckel kan inte skapa en nyckel med större behörighet än sin egen.",
  person_disabled: "Personen är avstängd.",
  not_found: (p) => `${WHAT_SV[String(p.what)] ?? "Det du söker"} finns inte.`,
  conflict: "Det gick inte, eftersom något har ändrats. Ladda om sidan och försök igen.",
  incident_resolved: "Händelsen är avslutad. Det går inte att publicera fler uppdateringar i den.",
  incident_already_resolved: "Händelsen är redan avslutad.",
  update_withdrawn: "En tillbakadragen uppdatering kan inte ändras.",
  update_already_withdrawn: "Uppdateringen är redan tillbakadragen.",
  text_unchanged: "Texten är oförändrad. Ändra texten innan du sparar.",
  update_not_awaiting_approval: "Uppdateringen väntar inte på godkännande längre.",
  update_has_no_poster: "Uppdateringen saknar någon att publicera den i namn av.",
  delivery_not_failed: "Bara en misslyckad leverans kan skickas igen.",
  account_already_registered: (p) =>
    p.handle
      ? `Kontot ${p.handle} är redan registrerat för den här plattformen.`
      : "Kontot är redan registrerat för den här plattformen.",
  account_closed: "Kontot är stängt. Stängda konton kontrolleras inte.",
  account_already_closed: (p) =>
    `Kontot är redan stängt${p.closedAt ? ` (${viewHelpers.when(String(p.closedAt))})` : ""}.`,
  snapshot_required: (p) =>
    p.latestSnapshotAt
      ? `Kontot måste arkiveras innan det stängs. Den senaste ögonblicksbilden (${viewHelpers.when(String(p.latestSnapshotAt))}) är äldre än ${p.maxAgeDays} dagar. Ta en ny ögonblicksbild först.`
      : "Kontot måste arkiveras innan det stängs, och det har ingen ögonblicksbild. Ta en ögonblicksbild först.",
  email_taken: "Det finns redan en person med den e-postadressen.",
  last_admin: "Det här är den sista aktiva administratören. Utse en annan administratör först.",
  department_name_taken: "Det finns redan en verksamhet som heter ”{name}”.",
  department_not_renamable: "Verksamheten är avvecklad och kan inte längre byta namn.",
  department_already_retired: "Verksamheten är redan avvecklad.",
  template_retired: "Mallen är arkiverad och kan inte längre ändras.",
  template_already_retired: "Mallen är redan arkiverad.",
  department_has_accounts:
    "Verksamheten äger fortfarande aktiva konton ({accounts}). Flytta dem till en annan verksamhet eller stäng dem först.",
  author_already_told: "Det är redan antecknat att skribenten har fått veta.",
  personnummer_found: (p) =>
    p.position
      ? `Texten innehåller ett personnummer vid tecken ${p.position} ("${p.masked}"). Ta bort det innan publicering.`
      : "Texten innehåller ett personnummer. Ta bort det innan publicering.",
  no_account: "Posten anger inget konto, så det finns ingen plattform att fråga.",
  not_supported: "{platform} låter oss inte dölja eller ta bort kommentarer. Ta bort den direkt på plattformen.",
  no_credential: "Kontot har ingen inloggning. Anslut kontot först.",
  too_many_requests: "För många försök. Vänta en stund och försök igen.",
  payload_too_large: "Det du skickade är för stort.",
  unstorable_text: "Texten innehåller tecken som inte kan sparas (ett nolltecken eller ogiltig Unicode).",
  remote_id_malformed: "Id-numret har fel form för plattformen.",
  image_undecodable: "Bilden gick inte att läsa. Spara den på nytt som JPEG, PNG eller WebP och försök igen.",
  media_unknown: "Bilden finns inte. Ladda upp den igen.",
  placeholder_unfilled: (p) => `Fyll i {${p.placeholder}} innan du publicerar.`,
  placeholder_unknown: (p) => `Platshållaren {${p.placeholder}} finns inte. Använd någon av: ${p.known}.`,
  image_type_unsupported: "Bara bilder i formaten JPEG, PNG och WebP kan laddas upp.",
  colour_contrast_too_low: (p) =>
    `Texten (${p.foreground}) syns för dåligt mot huvudfärgen (${p.background}): kontrasten är ${p.ratio}:1, men WCAG 2.1 AA kräver minst ${p.required}:1. Välj en mörkare eller ljusare färg.`,
  logo_type_unsupported: "Logotypen ska vara en SVG- eller PNG-fil.",
  logo_too_large: (p) => `Logotypen är för stor. Den får vara högst ${Math.floor(Number(p.maxBytes) / 1024)} kB.`,
  logo_unsafe:
    "SVG-filen innehåller något som inte är tillåtet i en logotyp (skript, händelsehanterare, foreignObject eller länkar till annat). Exportera logotypen som ren SVG eller PNG.",
  logo_invalid: "Filen går inte att läsa som en logotyp. Exportera den på nytt som SVG eller PNG.",
  urgent_not_allowed:
    "Bara kommunikatörer och administratörer får publicera brådskande utan granskning. Publicera utan brådskande så godkänner en kollega.",
  database_unavailable: "Databasen svarar inte just nu. Försök igen om en stund.",
  sign_in_throttled: "För många misslyckade inloggningar. Försök igen om {minutes} minuter.",
};

/** Every language's table; Swedish is complete, others may fill in over time. */
export const errorTexts: { sv: Record<ErrorCode, ErrorText> } & Partial<
  Record<Locale, Partial<Record<ErrorCode, ErrorText>>>
> = { sv, en };

/** The words for a code in a language (Swedish where the language has none), params filled in. */
export function errorText(code: ErrorCode, params: ErrorParams = {}, locale: Locale = "sv"): string {
  const text = errorTexts[locale]?.[code] ?? errorTexts.sv[code];
  if (typeof text === "function") return text(params);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
