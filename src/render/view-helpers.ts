// What templates need to show things to people: Swedish labels and Stockholm local time.
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
