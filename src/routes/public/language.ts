// The language of a public request: the prefix the page was asked under (/en/, /ar/, ...), or
// Swedish for the unprefixed addresses. A language the organisation does not offer is a 404.
// The prefix is matched by shape here and checked against the organisation inside each
// rendering, so that the check is cached with the page and re-made when the revision changes.
import type { Context } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { SWEDISH } from "../../domain/publishing/languages";
import { getOrganisationProfile } from "../../domain/publishing/organisation";
import { readOfferedLanguages } from "../../domain/publishing/organisation-languages";
import { toBrandView } from "../../render/brand";
import { type PublicLanguageView, publicLanguageView } from "../../render/public-language";
import type { PageSite } from "../../render/public-page-data";

/** A language prefix as routes match it: a lower-case primary subtag and any further subtags. */
export const LANGUAGE_PREFIX = "/:lang{[a-z]{2,3}(?:-[a-zA-Z0-9]{1,8})*}";

export function requestedLanguage(c: Context<AppEnv>): string {
  return c.req.param("lang") ?? SWEDISH;
}

/** The language a prefixed path asks for, if any ("/en/incidents/x" -> "en"). */
export function languageOfPath(path: string): string | null {
  const match = /^\/([a-z]{2,3}(?:-[a-zA-Z0-9]{1,8})*)(?:\/|$)/.exec(path);
  return match ? match[1] : null;
}

export async function offeredLanguages(deps: Pick<Deps, "db">): Promise<string[]> {
  return readOfferedLanguages(deps.db);
}

/** Whether `language` is served under a prefix: offered, and not Swedish (which has none). */
export function isPrefixedLanguage(offered: readonly string[], language: string): boolean {
  return language !== SWEDISH && offered.includes(language);
}

export type PublicSite = PageSite & PublicLanguageView;

/**
 * The organisation's profile and the language view of the page at `path` (unprefixed), or null
 * when the organisation does not offer `language` under a prefix.
 */
export async function publicSite(deps: Deps, language: string, path: string): Promise<PublicSite | null> {
  const [profile, offered] = await Promise.all([getOrganisationProfile(deps.db), offeredLanguages(deps)]);
  if (language !== SWEDISH && !isPrefixedLanguage(offered, language)) return null;
  const publicUrl = deps.config.publicUrl;
  return {
    orgName: profile.name,
    publicUrl,
    brand: toBrandView(profile, publicUrl),
    ...publicLanguageView(publicUrl, offered, language, path),
  };
}
