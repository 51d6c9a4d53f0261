// A per-process limit on requests per client address and minute, for the API and the public
// pages: a fixed-window counter in memory. Each process counts on its own, which is enough to
// stop one client from taking the hub's capacity; sign-in has its own throttle in the database.
import { createMiddleware } from "hono/factory";
import type { Config } from "../config";
import type { AppEnv, Deps } from "../deps";
import { clientAddressOf } from "./client-address";

const WINDOW_MS = 60_000;

/** A request over the limit: the limit, and the whole seconds until the window ends. */
export interface OverLimit {
  limit: number;
  retryAfter: string;
}

/** One counter; the middleware and the public pages answered before routing share it. */
export interface RequestRate {
  /** Counts one request from `client`; what to answer when it is over the limit, else undefined. */
  count(deps: Pick<Deps, "config" | "now">, client: string): OverLimit | undefined;
}

export function createRequestRate(limitOf: (config: Config) => number): RequestRate {
  let windowStartedAt = 0;
  let counts = new Map<string, number>();
  return {
    count(deps, client) {
      const limit = limitOf(deps.config);
      if (limit <= 0) return undefined;
      const now = deps.now().getTime();
      // A new window forgets every client at once, so the map never outgrows one minute of clients.
      if (now - windowStartedAt >= WINDOW_MS || now < windowStartedAt) {
        windowStartedAt = now;
        counts = new Map();
      }
      const count = (counts.get(client) ?? 0) + 1;
      counts.set(client, count);
      if (count <= limit) return undefined;
      return { limit, retryAfter: String(Math.max(1, Math.ceil((windowStartedAt + WINDOW_MS - now) / 1000))) };
    },
  };
}

/** The middleware, with a counter of its own or one it shares. */
export function limitRequestRate(limit: ((config: Config) => number) | RequestRate, answer: "json" | "text") {
  const rate = typeof limit === "function" ? createRequestRate(limit) : limit;
  return createMiddleware<AppEnv>(async (c, next) => {
    const over = rate.count(c.env.deps, clientAddressOf(c));
    if (!over) return next();
    // Hono answers a HEAD with the GET answer's status and headers and no body.
    if (answer === "text") return tooManyRequestsText(over, false);
    c.header("retry-after", over.retryAfter);
    c.header("cache-control", "no-store");
    return c.json(
      {
        error: {
          code: "too_many_requests",
          message: `More than ${over.limit} requests a minute from this address; try again in ${over.retryAfter} seconds.`,
        },
      },
      429,
    );
  });
}

/** The public site's 429, the same whether a route or the before-routing answer gives it. */
export function tooManyRequestsText(over: OverLimit, head: boolean): Response {
  const text = `För många förfrågningar. Försök igen om ${over.retryAfter} sekunder.`;
  return new Response(head ? null : text, {
    status: 429,
    headers: {
      "content-type": "text/plain; charset=UTF-8",
      "retry-after": over.retryAfter,
      "cache-control": "no-store",
    },
  });
}
