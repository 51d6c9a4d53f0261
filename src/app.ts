// createApp(): the whole hub as a value. It imports no runtime; Node, Workers and tests hand
// it Deps through Hono's env (app.fetch(req, { deps })).
import { Hono } from "hono";
import { toServiceUnavailable } from "./db/unavailable";
import type { AppEnv } from "./deps";
import { ServiceUnavailableError, toHttpError } from "./errors";
import { publicContentSecurityPolicy } from "./render/content-security-policy";
import { api } from "./routes/api/index";
import { chooseApiLocale, localiseErrorBody } from "./routes/api-error-language";
import { limitBodySize } from "./routes/body-limit";
import { health } from "./routes/health";
import { refuseMalformedInput } from "./routes/malformed-input";
import { answerBeforeRouting } from "./routes/public/before-routing";
import { publicCap } from "./routes/public/cap";
import { publicCards } from "./routes/public/cards";
import { publicChannels } from "./routes/public/channels";
import { publicEmbed } from "./routes/public/embed";
import { publicExercises } from "./routes/public/exercises";
import { publicFeeds } from "./routes/public/feeds";
import { publicIcons } from "./routes/public/icons";
import { LANGUAGE_PREFIX } from "./routes/public/language";
import { publicLocalised, redirectToLanguageAddress, siteOfMissingPage } from "./routes/public/localised";
import { publicMedia } from "./routes/public/media";
import { notFound, publicPages, serveHome } from "./routes/public/pages";
import { renderPublicProblem } from "./routes/public/problem";
import { publicPush } from "./routes/public/push";
import { publicSubscribe } from "./routes/public/subscribe";
import { publicWebSub } from "./routes/public/websub";
import { createRequestRate, limitRequestRate } from "./routes/rate-limit";
import { staffPages } from "./routes/staff/index";
import { staffSignIn } from "./routes/staff/sign-in";

export function createApp() {
  const app = new Hono<AppEnv>();
  app.onError((raw, c) => {
    const error = toServiceUnavailable(raw) ?? raw;
    const mapped = toHttpError(error);
    if (error instanceof ServiceUnavailableError) {
      c.env.deps.log.warn("the database does not answer", { path: c.req.path, error: String(raw) });
      c.header("retry-after", String(error.retryAfterSeconds));
    } else if (!mapped) {
      c.env.deps.log.error("unhandled error", { path: c.req.path, error: String((error as Error)?.stack ?? error) });
    }
    // The website answers in HTML whatever went wrong; only the API speaks JSON.
    if (!c.req.path.startsWith("/api/")) return renderPublicProblem(c, error, mapped?.status ?? 500);
    const locale = chooseApiLocale(c.req.header("accept-language"));
    if (mapped) return c.json(localiseErrorBody(mapped.body, locale), mapped.status as 400);
    const internal = locale === "en" ? "Something went wrong on our side." : "Något gick fel hos oss.";
    return c.json({ error: { code: "internal", message: internal } }, 500);
  });
  app.notFound(async (c) => {
    if (c.req.path.startsWith("/api/")) {
      return c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}.` } }, 404);
    }
    const page = await notFound(c.env.deps, (t) => t.addressMissing, await siteOfMissingPage(c.env.deps, c.req.path));
    return c.html(page.body, 404, {
      "cache-control": "public, max-age=10",
      "content-security-policy": await publicContentSecurityPolicy(page.body),
    });
  });
  app.use(
    "/api/*",
    limitRequestRate((config) => config.apiRateLimit, "json"),
  );
  // Public pages and feeds: everything outside the API, the staff interface and the health check.
  const publicRate = createRequestRate((config) => config.publicRateLimit);
  const limitPublicRate = limitRequestRate(publicRate, "text");
  app.use("*", (c, next) => (/^\/(api|staff|health)(\/|$)/.test(c.req.path) ? next() : limitPublicRate(c, next)));
  app.use("*", limitBodySize);
  app.use("*", refuseMalformedInput);
  app.route("/", health);
  app.route("/api/v1", api);
  app.route("/staff", staffSignIn);
  app.route("/staff", staffPages);
  app.route("/", publicFeeds);
  app.route("/", publicCap);
  app.route("/", publicMedia);
  app.route("/", publicCards);
  app.route("/", publicIcons);
  app.route("/", publicPages);
  app.route("/", publicExercises);
  app.route("/", publicChannels);
  app.route("/", publicSubscribe);
  app.route("/", publicEmbed);
  app.route("/", publicWebSub);
  app.route("/", publicPush);
  // The same pages and feeds in every offered language but Swedish, under its prefix (/en/, /ar/).
  app.use(LANGUAGE_PREFIX, redirectToLanguageAddress);
  app.use(`${LANGUAGE_PREFIX}/*`, redirectToLanguageAddress);
  app.get(`${LANGUAGE_PREFIX}/`, serveHome);
  app.route(LANGUAGE_PREFIX, publicLocalised);
  // A public page already rendered for the current revision is answered before routing, under
  // the same rate limit (see before-routing.ts); everything else takes the routes above.
  const dispatch = app.fetch;
  app.fetch = (request, env, executionCtx) =>
    (isBindings(env) && answerBeforeRouting(request, env, publicRate)) || dispatch(request, env, executionCtx);
  return app;
}

/** app.fetch may be called without bindings (Hono's own app.request in some tests). */
function isBindings(env: unknown): env is AppEnv["Bindings"] {
  return typeof env === "object" && env !== null && "deps" in env;
}

export type App = ReturnType<typeof createApp>;
