// The WebSub hub's subscription endpoint (§5.1): a form-encoded request, answered 202 at once
// while the intent is verified in the background, or 400 naming the wrong fields. Each client
// address has its own per-minute limit, well below the public pages' (KRISKANAL_WEBSUB_RATE_LIMIT).
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { parseSubscriptionRequest, verifySubscriptionIntent } from "../../domain/publishing/websub";
import { limitRequestRate } from "../rate-limit";

export const publicWebSub = new Hono<AppEnv>();

publicWebSub.post(
  "/websub",
  limitRequestRate((config) => config.websubRateLimit, "text"),
  async (c) => {
    const { deps } = c.env;
    c.header("cache-control", "no-store");
    const type = c.req.header("content-type") ?? "";
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      return c.text("Send the request as application/x-www-form-urlencoded.", 415);
    }
    const form: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(await c.req.text())) form[name] = value;
    const parsed = parseSubscriptionRequest(deps, form);
    if ("errors" in parsed) {
      return c.text(`Bad request: ${parsed.errors.map((e) => `${e.field} ${e.message}`).join("; ")}.`, 400);
    }
    deps.defer(verifySubscriptionIntent(deps, parsed.request));
    return c.text("Accepted: the callback will be asked to confirm.", 202);
  },
);
