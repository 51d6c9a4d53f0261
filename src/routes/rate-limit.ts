// A per-process limit on requests per client address and minute, for the API and the public
// pages: a fixed-window counter in memory. Each process counts on its own, which is enough to
// stop one client from taking the hub's capacity; sign-in has its own throttle in the database.
import { createMiddleware } from "hono/factory";
import type { Config } from "../config";
import type { AppEnv } from "../deps";
import { clientAddressOf } from "./client-address";

const WINDOW_MS = 60_000;

export function limitRequestRate(limitOf: (config: Config) => number, answer: "json" | "text") {
  let windowStartedAt = 0;
  let counts = new Map<string, number>();
  return createMiddleware<AppEnv>(async (c, next) => {
    const { deps } = c.env;
    const limit = limitOf(deps.config);
    if (limit <= 0) return next();
    const now = deps.now().getTime();
    // A new window forgets every client at once, so the map never outgrows one minute of clients.
    if (now - windowStartedAt >= WINDOW_MS || now < windowStartedAt) {
      windowStartedAt = now;
      counts = new Map();
    }
    const client = clientAddressOf(c);
    const count = (counts.get(client) ?? 0) + 1;
    counts.set(client, count);
    if (count <= limit) return next();
    const retryAfter = String(Math.max(1, Math.ceil((windowStartedAt + WINDOW_MS - now) / 1000)));
    c.header("retry-after", retryAfter);
    c.header("cache-control", "no-store");
    if (answer === "json") {
      return c.json(
        {
          error: {
            code: "too_many_requests",
            message: `More than ${limit} requests a minute from this address; try again in ${retryAfter} seconds.`,
          },
        },
        429,
      );
    }
    return c.text(`För många förfrågningar. Försök igen om ${retryAfter} sekunder.`, 429);
  });
}
