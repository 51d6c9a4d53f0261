// The public website: home, a page per incident, a permalink per update. Every page wears the
// organisation's profile and carries link-preview tags.
import { Hono } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { incidentUrl, updateUrl } from "../../domain/publishing/links";
import { getOrganisationProfile } from "../../domain/publishing/organisation";
import { loadHomePage, loadIncidentPage } from "../../domain/publishing/public-view";
import { toBrandView } from "../../render/brand";
import { cardImageUrl, cutAtWord, type LinkPreview } from "../../render/link-preview";
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

type IncidentPage = NonNullable<Awaited<ReturnType<typeof loadIncidentPage>>>;

/** The latest update still standing (not withdrawn): what "Läget just nu" shows. */
function currentUpdate(page: IncidentPage) {
  return page.updates.filter((u) => !u.withdrawnAt).at(-1) ?? null;
}

/** When anything on the incident last changed for the public: a publication, an edit, a withdrawal. */
function lastChanged(page: IncidentPage): Date {
  let latest = page.incident.closedAt ?? page.incident.openedAt;
  for (const u of page.updates) {
    for (const at of [u.publishedAt, u.editedAt, u.withdrawnAt]) if (at && at > latest) latest = at;
  }
  return latest;
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
  .get("/incidents/:slug", (c) => {
    const oldestFirst = c.req.query("ordning") === OLDEST_FIRST;
    return serveCached(
      c,
      HTML,
      async () => {
        const { deps } = c.env;
        const page = await loadIncidentPage(deps.db, c.req.param("slug"));
        if (!page) return notFound(deps, "Händelsen finns inte. Den kan ha fått en ny adress.");
        const base = await pageData(deps);
        const incidentBase = incidentUrl(deps.config.publicUrl, page.incident.slug);
        const now = currentUpdate(page);
        const nowUrl = now ? updateUrl(deps.config.publicUrl, page.incident.slug, now.number) : null;
        const description = cutAtWord(now?.body ?? page.incident.summary ?? page.incident.title);
        const og: LinkPreview = {
          type: "article",
          title: page.incident.title,
          description,
          url: incidentBase,
          ...(now && nowUrl ? { image: cardImageUrl(nowUrl), imageAlt: now.body } : {}),
        };
        return {
          status: 200,
          body: deps.render.render("public/incident", {
            ...base,
            ...page,
            updates: oldestFirst ? page.updates : [...page.updates].reverse(),
            oldestFirst,
            showNow: true,
            now,
            nowUrl,
            lastChanged: lastChanged(page),
            title: page.incident.title,
            description,
            og,
            canonical: incidentBase,
            incidentBase,
            incidentFeed: { title: page.incident.title, href: `${incidentBase}/feed.atom` },
          }),
        };
      },
      oldestFirst ? `ordning=${OLDEST_FIRST}` : undefined,
    );
  })
  .get("/incidents/:slug/updates/:number", (c) =>
    serveCached(c, HTML, async () => {
      const { deps } = c.env;
      const page = await loadIncidentPage(deps.db, c.req.param("slug"));
      const number = Number(c.req.param("number"));
      const update = page?.updates.find((u) => u.number === number);
      if (!page || !update) return notFound(deps, "Uppdateringen finns inte.");
      const base = await pageData(deps);
      const incidentBase = incidentUrl(deps.config.publicUrl, page.incident.slug);
      const canonical = updateUrl(deps.config.publicUrl, page.incident.slug, update.number);
      const title = `${page.incident.title}: uppdatering ${update.number}`;
      const description = update.withdrawnAt
        ? cutAtWord(`Uppdateringen har dragits tillbaka. Skäl: ${update.withdrawnReason ?? ""}`)
        : cutAtWord(update.body);
      const og: LinkPreview = {
        type: "article",
        title,
        description,
        url: canonical,
        ...(update.withdrawnAt ? {} : { image: cardImageUrl(canonical), imageAlt: update.body }),
      };
      return {
        status: 200,
        body: deps.render.render("public/update", {
          ...base,
          incident: page.incident,
          update,
          title,
          description,
          og,
          canonical,
          incidentBase,
          incidentFeed: { title: page.incident.title, href: `${incidentBase}/feed.atom` },
        }),
      };
    }),
  );
