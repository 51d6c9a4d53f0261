// Crisis cards: /incidents/:slug/updates/:n/card.png (1080x1350, Instagram) and og.png
// (1200x630, link previews). A withdrawn update has no card.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { renderUpdateCard } from "../../domain/publishing/cards";
import { EXERCISE_BASE } from "../../domain/publishing/links";
import type { CardFormat } from "../../render/crisis-card";
import { notFound } from "./pages";

/** An edit makes a new revision and so a new card; the ETag tells a cache when. */
const CARD_CACHE = "public, max-age=60, stale-while-revalidate=600";

const serveCard = (format: CardFormat, exercise = false) =>
  new Hono<AppEnv>().get(
    `${exercise ? EXERCISE_BASE : "/incidents"}/:slug/updates/:number{[0-9]+}/${format}.png`,
    async (c) => {
      const { deps } = c.env;
      const card = await renderUpdateCard(deps, c.req.param("slug"), Number(c.req.param("number")), format, exercise);
      if (card.state !== "found") {
        const gone = card.state === "withdrawn";
        const page = await notFound(deps, gone ? "Uppdateringen är tillbakadragen." : "Uppdateringen finns inte.");
        return c.html(page.body, gone ? 410 : 404, { "cache-control": "public, max-age=10" });
      }
      const headers = { "content-type": "image/png", "cache-control": CARD_CACHE, etag: card.etag };
      if (c.req.header("if-none-match") === card.etag) return c.body(null, 304, headers);
      return c.body(card.png.buffer, 200, headers);
    },
  );

export const publicCards = new Hono<AppEnv>()
  .route("/", serveCard("card"))
  .route("/", serveCard("og"))
  .route("/", serveCard("card", true))
  .route("/", serveCard("og", true));
