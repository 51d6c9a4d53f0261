// The public pages and feeds that exist in every offered language: mounted under the language
// prefix (app.ts), where each reads the language from the route (language.ts). CAP, cards,
// media, icons, the crisis banner and the channel list's JSON are data and stay unprefixed.
import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { SWEDISH } from "../../domain/publishing/languages";
import { publicChannels } from "./channels";
import { publicFeeds } from "./feeds";
import { languageOfPath, type PublicSite, publicSite } from "./language";
import { publicPages } from "./pages";
import { publicSubscribe } from "./subscribe";

/**
 * Swedish has no prefix: /sv/... is the unprefixed address said twice. A language's home is
 * /en/ with its slash, as Swedish's is /. Mounted on the prefix before the localised routes.
 */
export const redirectToLanguageAddress: MiddlewareHandler<AppEnv> = async (c, next) => {
  const language = c.req.param("lang");
  if (language === SWEDISH) return c.redirect(c.req.path.slice(SWEDISH.length + 1) || "/", 301);
  if (language && c.req.path === `/${language}`) return c.redirect(`/${language}/`, 301);
  return next();
};

export const publicLocalised = new Hono<AppEnv>()
  .route("/", publicFeeds)
  .route("/", publicPages)
  .route("/", publicChannels)
  .route("/", publicSubscribe);

/** The site in the language a missing page's address asks for, when it is offered; else Swedish. */
export async function siteOfMissingPage(deps: Deps, path: string): Promise<PublicSite | undefined> {
  const language = languageOfPath(path);
  if (!language || language === SWEDISH) return undefined;
  return (await publicSite(deps, language, "/")) ?? undefined;
}
