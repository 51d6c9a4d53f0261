// The public website: home, a page per incident, a permalink per update. Every page wears the
// organisation's profile and carries link-preview tags.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { getOrganisationProfile } from "../../domain/publishing/organisation";
import { loadHomePage, loadIncidentPage } from "../../domain/publishing/public-view";
import { toBrandView } from "../../render/brand";
import type { LinkPreview } from "../../render/link-preview";
import { incidentPageData, summariseIncident, updatePageData } from "../../render/public-page-data";
import { type Rendered, serveCached } from "./serve-cached";

const HTML = "text/html; charset=utf-8";
/** ?ordning=aldst reads an incident's updates in the order they were published. */
const OLDEST_FIRST = "aldst";

export async function pageData(deps: Deps) {
  const profile = await getOrganisationProfile(deps.db);
  return {
    orgName: profile.name,
    publicUrl: deps.config.publicUrl,
    brand: toBrandView(profile, deps.config.publicUrl),
  };
}

export async function notFound(deps: Deps, message: string): Promise<Rendered> {
  const body = deps.render.render("public/not-found", {
    ...(await pageData(deps)),
    title: "Sidan finns inte",
    message,
  });
  return { status: 404, body };
}

export const publicPages = new Hono<AppEnv>()
  .get("/", (c) =>
    serveCached(c, HTML, async () => {
      const { deps } = c.env;
      const home = await loadHomePage(deps.db, deps.now());
      const base = await pageData(deps);
      const description = `Aktuell krisinformation från ${base.orgName}: pågående händelser och de senaste uppdateringarna.`;
      const og: LinkPreview = {
        type: "website",
        title: `Krisinformation från ${base.orgName}`,
        description,
        url: `${base.publicUrl}/`,
      };
      return {
        status: 200,
        body: deps.render.render("public/home", { ...base, ...home, title: "Aktuella händelser", description, og }),
      };
    }),
  )
  .get("/incidents/:slug", (c) => serveIncidentPage(c, false))
  .get("/incidents/:slug/updates/:number", (c) => serveUpdatePage(c, false));

/** An incident's page; `exercise` says which kind the address is for (an exercise's is under /ovning). */
export function serveIncidentPage(c: Context<AppEnv>, exercise: boolean) {
  const oldestFirst = c.req.query("ordning") === OLDEST_FIRST;
  return serveCached(
    c,
    HTML,
    async () => {
      const { deps } = c.env;
      const page = await loadIncidentPage(deps.db, c.req.param("slug") ?? "", exercise);
      if (!page) return notFound(deps, "Händelsen finns inte. Den kan ha fått en ny adress.");
      const base = await pageData(deps);
      const updates = oldestFirst ? page.updates : [...page.updates].reverse();
      return {
        status: 200,
        body: deps.render.render(
          "public/incident",
          incidentPageData(base, page.incident, updates, summariseIncident(page.incident, page.updates), oldestFirst),
        ),
      };
    },
    oldestFirst ? `ordning=${OLDEST_FIRST}` : undefined,
  );
}

/** An update's permalink, under /incidents or (for an exercise) /ovning. */
export function serveUpdatePage(c: Context<AppEnv>, exercise: boolean) {
  return serveCached(c, HTML, async () => {
    const { deps } = c.env;
    const page = await loadIncidentPage(deps.db, c.req.param("slug") ?? "", exercise);
    const number = Number(c.req.param("number"));
    const update = page?.updates.find((u) => u.number === number);
    if (!page || !update) return notFound(deps, "Uppdateringen finns inte.");
    const base = await pageData(deps);
    return { status: 200, body: deps.render.render("public/update", updatePageData(base, page.incident, update)) };
  });
}
