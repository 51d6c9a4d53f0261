// Web push on the public site: the key browsers subscribe with, subscribing and unsubscribing
// (JSON, so a cross-site form cannot post here), the opt-in script and the service worker at the
// site root (its scope is where it is served from). Answers are JSON whatever goes wrong, and
// never hold the endpoint. Each client address has its own per-minute limit (KRISKANAL_PUSH_RATE_LIMIT).
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { subscribeToPush, unsubscribeFromPush } from "../../domain/publishing/push-subscriptions";
import { getVapidKeys } from "../../domain/publishing/web-push-keys";
import { toHttpError } from "../../errors";
import { readJson } from "../api/auth";
import { limitRequestRate } from "../rate-limit";
import { PUSH_OPTIN_JS, SERVICE_WORKER_JS } from "./assets/push-js";

const limit = limitRequestRate((config) => config.pushRateLimit, "json");

/** Runs a verb and answers its error as JSON: the site's error handler would answer HTML. */
async function answerJson(c: Context<AppEnv>, run: () => Promise<Response>): Promise<Response> {
  c.header("cache-control", "no-store");
  if (!(c.req.header("content-type") ?? "").startsWith("application/json")) {
    return c.json({ error: { code: "invalid_input", message: "Send the request as application/json." } }, 415);
  }
  try {
    return await run();
  } catch (error) {
    const mapped = toHttpError(error);
    if (!mapped) throw error;
    return c.json(mapped.body, mapped.status as 400);
  }
}

function script(c: Context<AppEnv>, body: string, cacheControl: string) {
  return c.body(body, 200, {
    "content-type": "text/javascript; charset=utf-8",
    "cache-control": cacheControl,
    "x-content-type-options": "nosniff",
  });
}

export const publicPush = new Hono<AppEnv>()
  .get("/push/key", async (c) => {
    const { publicKey } = await getVapidKeys(c.env.deps);
    return c.json({ publicKey }, 200, { "cache-control": "public, max-age=300" });
  })
  .post("/push/subscriptions", limit, (c) =>
    answerJson(c, async () => c.json(await subscribeToPush(c.env.deps, await readJson(c)), 201)),
  )
  .delete("/push/subscriptions", limit, (c) =>
    answerJson(c, async () => {
      await unsubscribeFromPush(c.env.deps, await readJson(c));
      return c.body(null, 204);
    }),
  )
  // For clients that cannot send DELETE with a body.
  .post("/push/subscriptions/unsubscribe", limit, (c) =>
    answerJson(c, async () => {
      await unsubscribeFromPush(c.env.deps, await readJson(c));
      return c.body(null, 204);
    }),
  )
  .get("/push.js", (c) => script(c, PUSH_OPTIN_JS, "public, max-age=300"))
  // Browsers look for a new service worker at least daily; no-cache makes them see it at once.
  .get("/sw.js", (c) => script(c, SERVICE_WORKER_JS, "no-cache"));
