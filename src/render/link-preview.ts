// Open Graph and Twitter card data for a public page (ogp.me): what a shared link shows.

export interface LinkPreview {
  type: "website" | "article";
  title: string;
  description: string | null;
  /** The canonical, absolute address of the page. */
  url: string;
  /** An absolute image address (an update's card, 1200×630) and its alt text, or none. */
  image?: string;
  imageAlt?: string;
  /** og:locale (language_TERRITORY); sv_SE when absent. */
  locale?: string;
}

/** og:locale wants language_TERRITORY: the likeliest territory of the page's language. */
export function ogLocale(lang: string | undefined): string {
  if (!lang || lang === "sv") return "sv_SE";
  try {
    const max = new Intl.Locale(lang).maximize();
    return max.region ? `${max.language}_${max.region}` : max.language;
  } catch {
    return "sv_SE";
  }
}

/** At most `max` characters, cut at a word boundary with an ellipsis when anything was cut. */
export function cutAtWord(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const room = flat.slice(0, max - 1);
  const lastSpace = room.lastIndexOf(" ");
  const cut = lastSpace > max / 2 ? room.slice(0, lastSpace) : room;
  return `${cut.replace(/[\s,.;:–-]+$/, "")}…`;
}

/** The card image hg's renderer serves beside each update permalink. */
export function cardImageUrl(permalink: string): string {
  return `${permalink}/og.png`;
}
