// The public website: home, a page per incident, a permalink per update, in Swedish at the
// unprefixed addresses and in each offered language under its prefix (/en/, /ar/). Every page
// wears the organisation's profile and carries link-preview tags and hreflang alternates.
import { type Context, Hono } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { incidentPath, updatePath } from "../../domain/publishing/links";
import { inLanguage, loadHomePage, loadIncidentPage } from "../../domain/publishing/public-view";
import { type LinkPreview, ogLocale } from "../../render/link-preview";
import { incidentPageData, summariseIncident, updatePageData } from "../../render/public-page-data";
import type { PublicTexts } from "../../render/public-texts";
import { type PublicSite, publicSite, requestedLanguage } from "./language";
import { type Rendered, servePage } from "./serve-cached";

/** ?ordning=aldst reads an incident's updates in the order they were published. */
const OLDEST_FIRST = "aldst";

/** The Swedish site data at "/" (kept for pages that speak only Swedish). */
export async function pageData(deps: Deps): Promise<PublicSite> {
  return (await publicSite(deps, "sv", "/")) as PublicSite;
}

/**
 * A 404 page in the site's language (Swedish when none is given). `message` picks one of the
 * language's texts, or is said as it is.
 */
export async function notFound(
  deps: Deps,
  message: string | ((t: PublicTexts) => string),
  site?: PublicSite,
): Promise<Rendered> {
  const shown = site ?? (await pageData(deps));
  const body = deps.render.render("public/not-found", {
    ...shown,
    // A missing page has no versions in other languages to point at.
    alternates: [],
    title: shown.t.notFoundTitle,
    message: typeof message === "string" ? message : message(shown.t),
  });
  return { status: 404, body };
}

/** The home page: "/" in Swedish, "/en/" (with its slash) in another language. */
export const serveHome = (c: Context<AppEnv>) =>
  servePage(c, async () => {
    const { deps } = c.env;
    const base = await publicSite(deps, requestedLanguage(c), "/");
    if (!base) return notFound(deps, (t) => t.addressMissing);
    const home = await loadHomePage(deps.db, deps.now());
    const latest = await inLanguage(
      deps.db,
      [...home.active, ...home.resolved].flatMap((r) => (r.latest ? [r.latest] : [])),
      base.language,
    );
    const shown = new Map(latest.map((u) => [u.id, u]));
    const withShown = (rows: typeof home.active) =>
      rows.map((r) => ({ ...r, latest: r.latest ? (shown.get(r.latest.id) ?? null) : null }));
    const { t } = base;
    const description = t.homeDescription(base.orgName);
    const og: LinkPreview = {
      type: "website",
      title: t.homeHeading(base.orgName),
      description,
      url: `${base.site}/`,
      locale: ogLocale(base.lang),
    };
    return {
      status: 200,
      body: deps.render.render("public/home", {
        ...base,
        active: withShown(home.active),
        resolved: withShown(home.resolved),
        title: t.homeTitle,
        description,
        og,
      }),
    };
  });

export const publicPages = new Hono<AppEnv>()
  .get("/", serveHome)
  .get("/incidents/:slug", (c) => serveIncidentPage(c, false))
  .get("/incidents/:slug/updates/:number", (c) => serveUpdatePage(c, false));

/**
 * The site data for a page: an exercise's pages (under /ovning) are in Swedish only, so they
 * point at no other language.
 */
async function siteFor(c: Context<AppEnv>, path: string, exercise: boolean): Promise<PublicSite | null> {
  const base = await publicSite(c.env.deps, exercise ? "sv" : requestedLanguage(c), path);
  return base && exercise ? { ...base, alternates: [], languages: [] } : base;
}

/** An incident's page; `exercise` says which kind the address is for (an exercise's is under /ovning). */
export function serveIncidentPage(c: Context<AppEnv>, exercise: boolean) {
  const oldestFirst = c.req.query("ordning") === OLDEST_FIRST;
  return servePage(
    c,
    async () => {
      const { deps } = c.env;
      const slug = c.req.param("slug") ?? "";
      const base = await siteFor(c, incidentPath(slug, exercise), exercise);
      if (!base) return notFound(deps, (t) => t.addressMissing);
      const page = await loadIncidentPage(deps.db, slug, exercise);
      if (!page) return notFound(deps, (t) => t.incidentMissing, base);
      const shown = await inLanguage(deps.db, page.updates, base.language);
      const updates = oldestFirst ? shown : [...shown].reverse();
      return {
        status: 200,
        body: deps.render.render(
          "public/incident",
          incidentPageData(base, page.incident, updates, summariseIncident(page.incident, shown), oldestFirst),
        ),
      };
    },
    oldestFirst ? `ordning=${OLDEST_FIRST}` : undefined,
  );
}

/** An update's permalink, under /incidents or (for an exercise) /ovning. */
export function serveUpdatePage(c: Context<AppEnv>, exercise: boolean) {
  return servePage(c, async () => {
    const { deps } = c.env;
    const slug = c.req.param("slug") ?? "";
    const number = Number(c.req.param("number"));
    const base = await siteFor(c, updatePath(slug, number, exercise), exercise);
    if (!base) return notFound(deps, (t) => t.addressMissing);
    const page = await loadIncidentPage(deps.db, slug, exercise);
    const update = page?.updates.find((u) => u.number === number);
    if (!page || !update) return notFound(deps, (t) => t.updateMissing, base);
    const [shown] = await inLanguage(deps.db, [update], base.language);
    return { status: 200, body: deps.render.render("public/update", updatePageData(base, page.incident, shown)) };
  });
}
