// What templates need to show things to people: Swedish labels and Stockholm local time.
import type { DeliveryStatus } from "../db/schema";
import { languageSwedishName } from "../domain/publishing/languages";
import type { PublicTexts } from "./public-texts";

const dateTime = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Europe/Stockholm",
  dateStyle: "long",
  timeStyle: "short",
});
const timeOnly = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", timeStyle: "short" });

export const KIND_LABEL: Record<string, string> = {
  update: "Uppdatering",
  correction: "Rättelse",
  all_clear: "Faran över",
};
export const SEVERITY_LABEL: Record<string, string> = {
  info: "Information",
  minor: "Mindre störning",
  major: "Allvarlig störning",
  critical: "Mycket allvarlig störning",
};
export const STATUS_LABEL: Record<string, string> = { active: "Pågående", resolved: "Avslutad" };
export const PLATFORM_LABEL: Record<string, string> = {
  facebook: "Facebook",
  instagram: "Instagram",
  x: "X",
  linkedin: "LinkedIn",
  mastodon: "Mastodon",
  bluesky: "Bluesky",
  threads: "Threads",
  telegram: "Telegram",
};

export const DELIVERY_STATUS_LABEL: Record<DeliveryStatus, string> = {
  pending: "Väntar",
  sending: "Skickas",
  published: "Publicerad",
  failed: "Misslyckades",
  skipped: "Hoppades över",
  cancelled: "Stoppad",
};

export const DELIVERY_KIND_LABEL: Record<"publish" | "edit" | "retract" | "farewell", string> = {
  publish: "Publicering",
  edit: "Ändring",
  retract: "Tillbakadragning",
  farewell: "Avskedsinlägg",
};
export type ViewHelpers = typeof viewHelpers;

/** The helpers in a language of the public site: its labels, its dates (still Stockholm time). */
export function createViewHelpers(texts: PublicTexts): ViewHelpers {
  const long = new Intl.DateTimeFormat(texts.intlLocale, {
    timeZone: "Europe/Stockholm",
    calendar: "gregory",
    dateStyle: "long",
    timeStyle: "short",
  });
  const short = new Intl.DateTimeFormat(texts.intlLocale, { timeZone: "Europe/Stockholm", timeStyle: "short" });
  const label = (table: Record<string, string>) => (key: string) => table[key] ?? key;
  return {
    ...viewHelpers,
    when: (at) => (at ? long.format(new Date(at)) : ""),
    time: (at) => (at ? short.format(new Date(at)) : ""),
    kind: label(texts.kind),
    severity: label(texts.severity),
    status: label(texts.status),
  };
}

export const viewHelpers = {
  /** "22 november 2026 kl. 14:05" in Stockholm time. */
  when(at: Date | string | null | undefined): string {
    if (!at) return "";
    return dateTime.format(new Date(at)).replace(" ", " ");
  },
  time(at: Date | string | null | undefined): string {
    return at ? timeOnly.format(new Date(at)) : "";
  },
  iso(at: Date | string | null | undefined): string {
    return at ? new Date(at).toISOString() : "";
  },
  kind: (k: string) => KIND_LABEL[k] ?? k,
  severity: (s: string) => SEVERITY_LABEL[s] ?? s,
  status: (s: string) => STATUS_LABEL[s] ?? s,
  platform: (p: string) => PLATFORM_LABEL[p] ?? p,
  /** A language's Swedish name ("Engelska"), for the staff pages. */
  languageInSwedish: (tag: string) => languageSwedishName(tag),
  /** Paragraphs from plain text; the template escapes each one. */
  paragraphs(text: string): string[] {
    // Most updates are one paragraph: an export renders thousands of them, twice.
    if (!text.includes("\n")) {
      const only = text.trim();
      return only ? [only] : [];
    }
    return text
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean);
  },
};
