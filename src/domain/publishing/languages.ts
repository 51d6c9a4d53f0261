// The languages the public can be offered: their BCP 47 tags, their names in themselves (what a
// language switcher shows), their Swedish names (what the staff pages show) and their writing
// direction. Swedish is the hub's first language: every update has a Swedish body, and every
// other language is a translation of it. Shared by the API, the staff pages, the dispatcher and
// the public pages.
import { z } from "zod";

export const SWEDISH = "sv";
/**
 * Easy-to-read Swedish (lättläst) is a version of its own. BCP 47 has no registered subtag for
 * it, so it is Swedish with a private-use subtag: valid everywhere a tag is (html lang, CAP
 * <language>, Mastodon), and read as Swedish by anything that does not know the private part.
 */
export const EASY_SWEDISH = "sv-x-lattlast";

export type TextDirection = "ltr" | "rtl";

export interface LanguageInfo {
  tag: string;
  /** The language's name in itself: "English", "Suomi", "العربية". */
  name: string;
  /** The name the staff pages show (they speak Swedish). */
  swedishName: string;
  direction: TextDirection;
}

/** The languages the hub has names for; any other valid tag may still be offered. */
export const KNOWN_LANGUAGES: readonly LanguageInfo[] = [
  { tag: SWEDISH, name: "Svenska", swedishName: "Svenska", direction: "ltr" },
  { tag: EASY_SWEDISH, name: "Lättläst svenska", swedishName: "Lättläst svenska", direction: "ltr" },
  { tag: "en", name: "English", swedishName: "Engelska", direction: "ltr" },
  { tag: "fi", name: "Suomi", swedishName: "Finska", direction: "ltr" },
  { tag: "ar", name: "العربية", swedishName: "Arabiska", direction: "rtl" },
  { tag: "so", name: "Soomaali", swedishName: "Somaliska", direction: "ltr" },
  { tag: "ti", name: "ትግርኛ", swedishName: "Tigrinja", direction: "ltr" },
  { tag: "fa", name: "فارسی", swedishName: "Persiska", direction: "rtl" },
  { tag: "uk", name: "Українська", swedishName: "Ukrainska", direction: "ltr" },
  { tag: "pl", name: "Polski", swedishName: "Polska", direction: "ltr" },
  { tag: "bs", name: "Bosanski", swedishName: "Bosniska", direction: "ltr" },
  { tag: "ku", name: "Kurdî", swedishName: "Kurdiska", direction: "ltr" },
  { tag: "ckb", name: "کوردی", swedishName: "Soranî (kurdiska)", direction: "rtl" },
  { tag: "smi", name: "Sámegiella", swedishName: "Samiska", direction: "ltr" },
  { tag: "se", name: "Davvisámegiella", swedishName: "Nordsamiska", direction: "ltr" },
  { tag: "fit", name: "Meänkieli", swedishName: "Meänkieli", direction: "ltr" },
  { tag: "rom", name: "Romani ćhib", swedishName: "Romani chib", direction: "ltr" },
  { tag: "yi", name: "ייִדיש", swedishName: "Jiddisch", direction: "rtl" },
  { tag: "de", name: "Deutsch", swedishName: "Tyska", direction: "ltr" },
  { tag: "es", name: "Español", swedishName: "Spanska", direction: "ltr" },
  { tag: "fr", name: "Français", swedishName: "Franska", direction: "ltr" },
  { tag: "ru", name: "Русский", swedishName: "Ryska", direction: "ltr" },
  { tag: "tr", name: "Türkçe", swedishName: "Turkiska", direction: "ltr" },
  { tag: "prs", name: "دری", swedishName: "Dari", direction: "rtl" },
  { tag: "ps", name: "پښتو", swedishName: "Pashto", direction: "rtl" },
  { tag: "ur", name: "اردو", swedishName: "Urdu", direction: "rtl" },
  { tag: "he", name: "עברית", swedishName: "Hebreiska", direction: "rtl" },
  { tag: "th", name: "ไทย", swedishName: "Thailändska", direction: "ltr" },
  { tag: "zh", name: "中文", swedishName: "Kinesiska", direction: "ltr" },
];

/** Primary subtags written right to left (for tags the table above does not name). */
const RTL_PRIMARY = new Set(["ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv", "ug", "sd", "prs"]);

/**
 * The tag in its canonical form ("EN-gb" -> "en-GB", "sv-x-lattlast" stays), or null when it is
 * not a well-formed BCP 47 tag. Intl does the parsing on Node and Workers alike.
 */
export function canonicalLanguageTag(tag: string): string | null {
  if (typeof tag !== "string" || tag.length === 0 || tag.length > 35 || tag.trim() !== tag) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

export function isLanguageTag(tag: string): boolean {
  return canonicalLanguageTag(tag) !== null;
}

function primarySubtag(tag: string): string {
  return tag.split("-")[0]?.toLowerCase() ?? tag;
}

/** What the hub knows about a tag: the exact tag first, then its primary language. */
export function describeLanguage(tag: string): LanguageInfo {
  const exact = KNOWN_LANGUAGES.find((l) => l.tag.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  const primary = primarySubtag(tag);
  const base = KNOWN_LANGUAGES.find((l) => l.tag === primary);
  const direction: TextDirection = RTL_PRIMARY.has(primary) ? "rtl" : "ltr";
  // An unknown language shows its tag: a name the hub made up would be worse than none.
  return { tag, name: base?.name ?? tag, swedishName: base?.swedishName ?? tag, direction };
}

export function languageName(tag: string): string {
  return describeLanguage(tag).name;
}

export function languageSwedishName(tag: string): string {
  return describeLanguage(tag).swedishName;
}

export function languageDirection(tag: string): TextDirection {
  return describeLanguage(tag).direction;
}

export function isSwedish(tag: string): boolean {
  return tag === SWEDISH;
}

/** One language tag, canonicalised; the message names the tag so a 400 can say which. */
export const LanguageTag = z.string().transform((tag, ctx) => {
  const canonical = canonicalLanguageTag(tag);
  if (!canonical) {
    ctx.addIssue({
      code: "custom",
      message: `"${tag}" is not a valid BCP 47 language tag.`,
      params: { code: "language_invalid", language: tag },
    });
    return z.NEVER;
  }
  return canonical;
});

/** The organisation's offered languages: valid tags, no repeats, Swedish first. */
export const OfferedLanguages = z
  .array(LanguageTag)
  .min(1)
  .max(30)
  .superRefine((tags, ctx) => {
    if (tags[0] !== SWEDISH) {
      ctx.addIssue({
        code: "custom",
        path: [0],
        message: 'Swedish ("sv") must be the first language.',
        params: { code: "language_swedish_first" },
      });
    }
    const seen = new Set<string>();
    tags.forEach((tag, i) => {
      if (seen.has(tag)) ctx.addIssue({ code: "custom", path: [i], message: `"${tag}" is listed twice.` });
      seen.add(tag);
    });
  });

/** The languages other than Swedish that an organisation offers: the ones a translation may be in. */
export function translationLanguages(offered: readonly string[]): string[] {
  return offered.filter((tag) => !isSwedish(tag));
}
