// The public website: home, a page per incident, a permalink per update.
import { Hono } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { incidentPath, incidentUrl, updateUrl } from "../../domain/publishing/links";
import { getOrganisation } from "../../domain/publishing/organisation";
import { loadHomePage, loadIncidentPage } from "../../domain/publishing/public-view";
import { type Rendered, serveCached } from "./serve-cached";

const HTML = "text/html; charset=utf-8";

async function pageData(deps: Deps) {
  const org = await getOrganisation(deps.db);
  return { orgName: org.name, publicUrl: deps.config.publicUrl };
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
      return {
        status: 200,
        body: deps.render.render("public/home", { ...base, ...home, title: "Aktuella händelser" }),
      };
    }),
  )
  .get("/incidents/:slug", (c) =>
    serveCached(c, HTML, async () => {
      const { deps } = c.env;
      const page = await loadIncidentPage(deps.db, c.req.param("slug"));
      if (!page) return notFound(deps, "Händelsen finns inte. Den kan ha fått en ny adress.");
      const base = await pageData(deps);
      const incidentBase = incidentUrl(deps.config.publicUrl, page.incident.slug);
      return {
        status: 200,
        body: deps.render.render("public/incident", {
          ...base,
          ...page,
          title: page.incident.title,
          description: page.incident.summary,
          canonical: incidentBase,
          incidentBase,
          incidentFeed: { title: page.incident.title, href: `${incidentBase}/feed.atom` },
        }),
      };
    }),
  )
  .get("/incidents/:slug/updates/:number", (c) =>
    serveCached(c, HTML, async () => {
      const { deps } = c.env;
      const page = await loadIncidentPage(deps.db, c.req.param("slug"));
      const number = Number(c.req.param("number"));
      const update = page?.updates.find((u) => u.number === number);
      if (!page || !update) return notFound(deps, "Uppdateringen finns inte.");
      const base = await pageData(deps);
      const incidentBase = deps.config.publicUrl + incidentPath(page.incident.slug);
      return {
        status: 200,
        body: deps.render.render("public/update", {
          ...base,
          incident: page.incident,
          update,
          title: `${page.incident.title}: uppdatering ${update.number}`,
          description: update.withdrawnAt ? null : update.body.slice(0, 200),
          canonical: updateUrl(deps.config.publicUrl, page.incident.slug, update.number),
          incidentBase,
          incidentFeed: { title: page.incident.title, href: `${incidentBase}/feed.atom` },
        }),
      };
    }),
  );
