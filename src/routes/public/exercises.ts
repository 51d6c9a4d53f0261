// The exercises' own website under /ovning: an index, a page per exercise, a permalink per update,
// their feeds (feeds.ts), cards (cards.ts) and CAP messages (status Exercise). Every page wears
// the large ÖVNING banner (layout.eta). Nothing here is linked from home, the main feeds, the CAP
// index or the crisis banner, and no address under /incidents leads to an exercise.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { EXERCISE_BASE } from "../../domain/publishing/links";
import { loadHomePage } from "../../domain/publishing/public-view";
import type { LinkPreview } from "../../render/link-preview";
import { serveClosedMessage, serveMessage } from "./cap";
import { pageData, serveIncidentPage, serveUpdatePage } from "./pages";
import { servePage } from "./serve-cached";

const SLUG = ":slug{[a-z0-9-]+}";

export const publicExercises = new Hono<AppEnv>()
  .get(EXERCISE_BASE, (c) =>
    servePage(c, async () => {
      const { deps } = c.env;
      const { active, resolved } = await loadHomePage(deps.db, deps.now(), true);
      const base = await pageData(deps);
      const description = `Övningar i ${base.orgName}s krisinformation. Inget här gäller en verklig händelse.`;
      const og: LinkPreview = {
        type: "website",
        title: "ÖVNING: krisövningar",
        description,
        url: `${base.publicUrl}${EXERCISE_BASE}`,
      };
      return {
        status: 200,
        body: deps.render.render("public/exercises", {
          ...base,
          active,
          resolved,
          exercise: true,
          title: "Övningar",
          description,
          og,
          canonical: `${base.publicUrl}${EXERCISE_BASE}`,
        }),
      };
    }),
  )
  .get(`${EXERCISE_BASE}/${SLUG}`, (c) => serveIncidentPage(c, true))
  .get(`${EXERCISE_BASE}/${SLUG}/updates/:number{[0-9]+}`, (c) => serveUpdatePage(c, true))
  .get(`${EXERCISE_BASE}/${SLUG}/updates/:number{[0-9]+}/cap.xml`, serveMessage("message", true))
  .get(`${EXERCISE_BASE}/${SLUG}/updates/:number{[0-9]+}/cap-cancel.xml`, serveMessage("cancel", true))
  .get(`${EXERCISE_BASE}/${SLUG}/cap-closed.xml`, serveClosedMessage(true));
