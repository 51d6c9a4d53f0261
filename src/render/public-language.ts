// What a public page needs to speak one of the organisation's languages: the prefix of its
// addresses (Swedish has none: /, /en/, /ar/), its fixed texts and date formats, the hreflang
// alternates of the same page in every offered language, and a switcher naming each language in
// itself. Social posts link to the Swedish permalinks, which never change shape.
import { describeLanguage, SWEDISH, type TextDirection } from "../domain/publishing/languages";
import { escapeHtml } from "./html";
import { type PublicTexts, publicTextsFor } from "./public-texts";
import { createViewHelpers, type ViewHelpers, viewHelpers } from "./view-helpers";

export interface LanguageChoice {
  tag: string;
  /** The language's name in itself. */
  name: string;
  dir: TextDirection;
  href: string;
  current: boolean;
}

export interface PublicLanguageView {
  /** The language the page is in (its updates' translations); the key of its addresses. */
  language: string;
  /** The html lang and dir: the language of the page's fixed texts (English when the hub has none for `language`). */
  lang: string;
  dir: TextDirection;
  t: PublicTexts;
  h: ViewHelpers;
  /** The site's base address in this language: publicUrl, or publicUrl + "/en". */
  site: string;
  /** `lang` (and `dir`) attributes for Swedish text on this page: empty on a Swedish page. */
  sv: string;
  /** Swedish text (an incident's title, a reason) as HTML: escaped, and marked when the page is not Swedish. */
  svText: (text: string | null | undefined) => string;
  /** ` lang="…"` (and ` dir="…"`) for text in `language` on this page; empty when it is the page's own. */
  langAttrs: (language: string) => string;
  /** The same page in every offered language, plus x-default (the Swedish page); empty when only Swedish is offered. */
  alternates: { hreflang: string; href: string }[];
  /** The language switcher; empty when only Swedish is offered. */
  languages: LanguageChoice[];
}

export function languagePrefix(language: string): string {
  return language === SWEDISH ? "" : `/${language}`;
}

/** `path` (an unprefixed public path such as "/incidents/x") in a language. */
export function localisedUrl(publicUrl: string, language: string, path: string): string {
  return `${publicUrl}${languagePrefix(language)}${path}`;
}

const views = new Map<string, { lang: string; dir: TextDirection; t: PublicTexts; h: ViewHelpers }>();

/**
 * Texts and helpers per table of fixed texts, made once: Intl formatters are not cheap to build.
 * Keyed by the table's language, so any number of tags asked for keeps a handful of entries.
 */
function textsOf(language: string) {
  const { language: lang, texts } = publicTextsFor(language);
  let view = views.get(lang);
  if (!view) {
    const h = lang === SWEDISH ? viewHelpers : createViewHelpers(texts);
    view = { lang, dir: describeLanguage(lang).direction, t: texts, h };
    views.set(lang, view);
  }
  return view;
}

/**
 * The language view of the page at `path` (unprefixed, without a query). `offered` is the
 * organisation's languages, Swedish first; the caller has checked that `language` is among them.
 */
export function publicLanguageView(
  publicUrl: string,
  offered: readonly string[],
  language: string,
  path: string,
): PublicLanguageView {
  const { lang, dir, t, h } = textsOf(language);
  const several = offered.length > 1;
  const alternates = several
    ? [
        ...offered.map((tag) => ({ hreflang: tag, href: localisedUrl(publicUrl, tag, path) })),
        { hreflang: "x-default", href: localisedUrl(publicUrl, SWEDISH, path) },
      ]
    : [];
  const languages = several
    ? offered.map((tag) => {
        const info = describeLanguage(tag);
        return {
          tag,
          name: info.name,
          dir: info.direction,
          href: localisedUrl(publicUrl, tag, path),
          current: tag === language,
        };
      })
    : [];
  const langAttrs = (other: string) => {
    if (other === lang) return "";
    const otherDir = describeLanguage(other).direction;
    return ` lang="${escapeHtml(other)}"${otherDir === dir ? "" : ` dir="${otherDir}"`}`;
  };
  const sv = langAttrs(SWEDISH);
  const svText = (text: string | null | undefined) => {
    const escaped = escapeHtml(text ?? "");
    return sv ? `<span${sv}>${escaped}</span>` : escaped;
  };
  return {
    language,
    lang,
    dir,
    t,
    h,
    site: localisedUrl(publicUrl, language, ""),
    sv,
    svText,
    langAttrs,
    alternates,
    languages,
  };
}
