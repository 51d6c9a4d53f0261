// CAP 1.2 for alerting systems: one message per update and an Atom index of the current ones,
// rendered once per change like every public resource.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { loadCapIndex, renderClosedCap, renderCurrentCap } from "../../domain/publishing/public-cap";
import { renderCapAtom } from "../../render/cap-atom";
import { serveCached } from "./serve-cached";

const CAP = "application/cap+xml; charset=utf-8";
const ATOM = "application/atom+xml; charset=utf-8";

export function serveMessage(kind: "message" | "cancel", exercise = false) {
  return (c: Context<AppEnv>) =>
    serveCached(c, CAP, async () => {
      const number = Number(c.req.param("number"));
      const xml = await renderCurrentCap(c.env.deps, c.req.param("slug") ?? "", number, kind, exercise);
      // Like the feeds, a miss is a short text: the 404 status is what an alerting system reads.
      return xml ? { status: 200, body: xml } : { status: 404, body: "Meddelandet finns inte." };
    });
}

export const publicCap = new Hono<AppEnv>()
  .get("/cap.atom", (c) =>
    serveCached(
      c,
      ATOM,
      async () => {
        const { deps } = c.env;
        const index = await loadCapIndex(deps);
        return { status: 200, body: renderCapAtom({ publicUrl: deps.config.publicUrl, ...index }) };
      },
      // Messages leave the index as they expire, which no change signals: render it again each minute.
      { variant: `minute=${Math.floor(c.env.deps.now().getTime() / 60_000)}` },
    ),
  )
  .get("/incidents/:slug/updates/:number{[0-9]+}/cap.xml", serveMessage("message"))
  .get("/incidents/:slug/updates/:number{[0-9]+}/cap-cancel.xml", serveMessage("cancel"))
  .get("/incidents/:slug/cap-closed.xml", serveClosedMessage(false));

export function serveClosedMessage(exercise: boolean) {
  return (c: Context<AppEnv>) =>
    serveCached(c, CAP, async () => {
      const xml = await renderClosedCap(c.env.deps, c.req.param("slug") ?? "", exercise);
      return xml ? { status: 200, body: xml } : { status: 404, body: "Meddelandet finns inte." };
    });
}
