// The account registry form: the settings and login fields each platform needs, taken from its
// adapter, read into the domain's register and edit input. A credential is write-only: it is
// read from the form and passed on, never put in the values that go back into the page.
import type { Account } from "../../domain/accounts/accounts";
import type { Platform, PlatformAdapter } from "../../platforms/types";
import { PLATFORM_LABEL } from "../../render/view-helpers";
import { type Form, text } from "./form";

/** Two editors and a deputy, as the policies ask; one empty row more once those are filled. */
const EDITOR_ROWS_MIN = 3;
const EDITOR_ROWS_MAX = 20;

const OPTION_TEXT: Record<string, { label: string; hint: string }> = {
  pageId: { label: "Facebooksidans id", hint: "Ett nummer. Finns under sidans inställningar, Om sidan." },
  igUserId: { label: "Instagramkontots id", hint: "Id för det professionella Instagramkontot i Meta Graph API." },
  organizationUrn: { label: "Organisationens URN", hint: "Till exempel urn:li:organization:12345." },
  chatId: { label: "Kanalens chat-id", hint: "Till exempel @exempelkommun, eller ett nummer som -1001234567890." },
  threadsUserId: { label: "Threadskontots id", hint: "Id för kontot i Threads API." },
};

const CREDENTIAL_TEXT: Record<string, { label: string; hint: string }> = {
  accessToken: { label: "Åtkomsttoken", hint: "Från plattformens utvecklarinställningar." },
  pageAccessToken: { label: "Sidans åtkomsttoken", hint: "Sidtoken från Meta för just den här sidan." },
  userAccessToken: {
    label: "Användarens åtkomsttoken",
    hint: "Token från Meta för den person som administrerar sidan.",
  },
  identifier: { label: "Inloggningsnamn", hint: "Kontots handle eller e-postadress." },
  appPassword: {
    label: "Applösenord",
    hint: "Ett applösenord från Blueskys inställningar, inte det vanliga lösenordet.",
  },
  botToken: { label: "Bottens token", hint: "Från @BotFather. Botten ska vara administratör i kanalen." },
};

/** How people write the handle on each platform, for the hint under the field. */
const HANDLE_EXAMPLE: Record<Platform, string> = {
  facebook: "Exempelkommun",
  instagram: "exempelkommun",
  x: "exempelkommun",
  linkedin: "exempelkommun",
  mastodon: "exempelkommun@mastodon.social",
  bluesky: "exempelkommun.bsky.social",
  threads: "exempelkommun",
  telegram: "exempelkommun",
};

/** What a platform setting is called on the page, e.g. "Facebooksidans id" for pageId. */
export function optionLabel(key: string): string {
  return OPTION_TEXT[key]?.label ?? key;
}

export interface FieldSpec {
  key: string;
  /** The form field's name ("options.pageId") and the element's id ("options-pageId"). */
  name: string;
  id: string;
  label: string;
  hint: string;
}

export interface PlatformForm {
  value: Platform;
  label: string;
  handleExample: string;
  defaultBaseUrl: string;
  options: FieldSpec[];
  credentials: FieldSpec[];
}

export function platformForm(adapter: PlatformAdapter): PlatformForm {
  const spec = (group: "options" | "credential", texts: typeof OPTION_TEXT) => (key: string) => ({
    key,
    name: `${group}.${key}`,
    id: `${group}-${key}`,
    label: texts[key]?.label ?? key,
    hint: texts[key]?.hint ?? "",
  });
  return {
    value: adapter.platform,
    label: PLATFORM_LABEL[adapter.platform] ?? adapter.platform,
    handleExample: HANDLE_EXAMPLE[adapter.platform],
    defaultBaseUrl: adapter.defaultBaseUrl,
    options: adapter.requiredOptions.map(spec("options", OPTION_TEXT)),
    credentials: adapter.credentialFields.map(spec("credential", CREDENTIAL_TEXT)),
  };
}

export interface EditorValues {
  name: string;
  email: string;
  role: string;
}

export interface AccountValues {
  handle: string;
  departmentId: string;
  baseUrl: string;
  options: Record<string, string>;
  publicUrl: string;
  purpose: string;
  editors: EditorValues[];
  /** BCP 47 tag of the account's language. */
  language: string;
  /** Minutes as typed; empty: never wait for a translation. */
  translationWaitMinutes: string;
  /** An exercise account: exercises publish here and nowhere else. */
  exercise: boolean;
}

export function emptyAccountValues(): AccountValues {
  return {
    handle: "",
    departmentId: "",
    baseUrl: "",
    options: {},
    publicUrl: "",
    purpose: "",
    editors: [],
    language: "sv",
    translationWaitMinutes: "",
    exercise: false,
  };
}

export function accountValuesOf(account: Account): AccountValues {
  return {
    handle: account.handle,
    departmentId: account.departmentId ?? "",
    baseUrl: account.baseUrl,
    options: { ...account.options },
    publicUrl: account.publicUrl ?? "",
    purpose: account.purpose ?? "",
    editors: account.editors.map((e) => ({ ...e })),
    language: account.language,
    translationWaitMinutes: account.translationWaitMinutes === null ? "" : String(account.translationWaitMinutes),
    exercise: account.exercise,
  };
}

/** Empty is "never wait"; anything else goes to the domain as typed, which names it if it is no whole number. */
function waitMinutesOf(values: AccountValues): number | null {
  return values.translationWaitMinutes === "" ? null : Number(values.translationWaitMinutes);
}

/** The rows the form shows: every editor, and at least two editors and a deputy to fill in. */
export function editorRows(editors: EditorValues[]): EditorValues[] {
  const count = Math.min(EDITOR_ROWS_MAX, Math.max(EDITOR_ROWS_MIN, editors.length + 1));
  return Array.from({ length: count }, (_, i) => {
    if (i < editors.length) return editors[i];
    return { name: "", email: "", role: i === EDITOR_ROWS_MIN - 1 ? "deputy" : "editor" };
  });
}

/** The form as typed, and the credential fields that were filled in (kept apart from values). */
export function readAccountForm(form: Form, platform: PlatformForm) {
  // Rows left empty are not editors; the rest close up, so the domain's "editors.1" is the
  // second row of the page shown again.
  const editors: EditorValues[] = [];
  for (let i = 0; i < EDITOR_ROWS_MAX; i++) {
    const editor = {
      name: text(form, `editors.${i}.name`),
      email: text(form, `editors.${i}.email`),
      role: text(form, `editors.${i}.role`) || "editor",
    };
    if (editor.name || editor.email) editors.push(editor);
  }
  const options: Record<string, string> = {};
  for (const o of platform.options) options[o.key] = text(form, o.name);
  const credential: Record<string, string> = {};
  for (const field of platform.credentials) {
    // Not trimmed: a password may well begin or end with a space.
    const raw = form[field.name];
    const value = Array.isArray(raw) ? (raw[0] ?? "") : (raw ?? "");
    if (value) credential[field.key] = value;
  }
  const values: AccountValues = {
    handle: text(form, "handle"),
    departmentId: text(form, "departmentId"),
    baseUrl: text(form, "baseUrl"),
    options,
    publicUrl: text(form, "publicUrl"),
    purpose: text(form, "purpose"),
    editors,
    language: text(form, "language") || "sv",
    translationWaitMinutes: text(form, "translationWaitMinutes"),
    exercise: text(form, "exercise") === "1",
  };
  return { values, credential: Object.keys(credential).length ? credential : undefined };
}

export function toRegisterInput(platform: Platform, values: AccountValues, credential?: Record<string, string>) {
  return {
    platform,
    handle: values.handle,
    departmentId: values.departmentId || null,
    ...(values.baseUrl ? { baseUrl: values.baseUrl } : {}),
    options: values.options,
    ...(credential ? { credential } : {}),
    publicUrl: values.publicUrl || null,
    purpose: values.purpose || null,
    editors: values.editors,
    language: values.language,
    translationWaitMinutes: waitMinutesOf(values),
    exercise: values.exercise,
  };
}

/** Empty login fields keep the stored credential; options the form does not show are kept too. */
export function toEditInput(
  account: Account,
  platform: PlatformForm,
  values: AccountValues,
  credential?: Record<string, string>,
) {
  return {
    handle: values.handle,
    departmentId: values.departmentId || null,
    baseUrl: values.baseUrl || platform.defaultBaseUrl,
    options: { ...account.options, ...values.options },
    ...(credential ? { credential } : {}),
    publicUrl: values.publicUrl || null,
    purpose: values.purpose || null,
    editors: values.editors,
    language: values.language,
    translationWaitMinutes: waitMinutesOf(values),
    exercise: values.exercise,
  };
}

/** Swedish messages for every field the domain may refuse, by the field's path. */
export function accountMessages(platform: PlatformForm): Record<string, string> {
  const messages: Record<string, string> = {
    platform: "Välj en plattform i listan.",
    handle: `Skriv kontots namn så som det står på ${platform.label}, utan mellanslag och utan adress.`,
    departmentId: "Välj en aktiv verksamhet i listan, eller Kommungemensamt.",
    baseUrl: "Skriv en fullständig adress som börjar med https://, eller lämna fältet tomt för plattformens standard.",
    publicUrl: "Skriv kontots adress på plattformen, som börjar med https://.",
    purpose: "Syftet får vara högst 1 000 tecken.",
    language: "Välj ett av kommunens språk i listan.",
    translationWaitMinutes:
      "Skriv ett helt antal minuter mellan 1 och 1440, eller lämna fältet tomt för att aldrig vänta.",
    editors: "Ange högst 20 redaktörer, var och en med namn och e-postadress.",
    options: `Fyll i uppgifterna som ${platform.label} behöver.`,
    credential: `Fyll i alla inloggningsuppgifter för ${platform.label}, eller lämna alla tomma.`,
  };
  for (let i = 0; i < EDITOR_ROWS_MAX; i++) {
    messages[`editors.${i}.name`] = `Redaktör ${i + 1}: skriv namnet.`;
    messages[`editors.${i}.email`] =
      `Redaktör ${i + 1}: skriv en giltig e-postadress, till exempel sara.lind@kommun.se.`;
    messages[`editors.${i}.role`] = `Redaktör ${i + 1}: välj redaktör eller ersättare.`;
  }
  for (const o of platform.options) {
    messages[o.name] =
      `Fyll i ${o.label.toLowerCase()}. ${platform.label} behöver det för att Kriskanal ska kunna publicera.`;
  }
  for (const c of platform.credentials) {
    messages[c.name] =
      `Fyll i ${c.label.toLowerCase()}. En ny inloggning för ${platform.label} behöver alla fält: ${platform.credentials.map((x) => x.label.toLowerCase()).join(", ")}.`;
  }
  return messages;
}
