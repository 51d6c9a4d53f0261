// createApp(): the whole hub as a value. It imports no runtime; Node, Workers and tests hand
// it Deps through Hono's env (app.fetch(req, { deps })).
import { Hono } from "hono";
import type { AppEnv } from "./deps";
import { toHttpError } from "./errors";
import { publicContentSecurityPolicy } from "./render/content-security-policy";
import { api } from "./routes/api/index";
import { health } from "./routes/health";
import { publicCap } from "./routes/public/cap";
import { publicChannels } from "./routes/public/channels";
import { publicFeeds } from "./routes/public/feeds";
import { notFound, publicPages } from "./routes/public/pages";
import { staffPages } from "./routes/staff/index";
import { staffSignIn } from "./routes/staff/sign-in";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => {
    const mapped = toHttpError(error);
    if (mapped) return c.json(mapped.body, mapped.status as 400);
    c.env.deps.log.error("unhandled error", { path: c.req.path, error: String((error as Error)?.stack ?? error) });
    return c.json({ error: { code: "internal", message: "Something went wrong on our side." } }, 500);
  });
  app.notFound(async (c) => {
    if (c.req.path.startsWith("/api/")) {
      return c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}.` } }, 404);
    }
    const page = await notFound(c.env.deps, "Adressen finns inte. Kontrollera stavningen eller gå till startsidan.");
    return c.html(page.body, 404, {
      "cache-control": "public, max-age=10",
      "content-security-policy": await publicContentSecurityPolicy(page.body),
    });
  });
  app.route("/", health);
  app.route("/api/v1", api);
  app.route("/staff", staffSignIn);
  app.route("/staff", staffPages);
  app.route("/", publicFeeds);
  app.route("/", publicCap);
  app.route("/", publicPages);
  app.route("/", publicChannels);
  return app;
}

export type App = ReturnType<typeof createApp>;
