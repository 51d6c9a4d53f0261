// The address a request came from, for throttling. Each entry hands it in with Deps: Node from
// the socket, Workers from CF-Connecting-IP. X-Forwarded-For is anyone's to write, so it counts
// only when KRISKANAL_TRUST_PROXY says a proxy in front sets it.
import type { Context } from "hono";
import type { AppEnv } from "../deps";

export function clientAddressOf(c: Context<AppEnv>): string {
  return clientAddressOfRequest(c.req.raw, c.env);
}

/** The same for a request no route has seen yet (public/before-routing.ts). */
export function clientAddressOfRequest(request: Pick<Request, "headers">, env: AppEnv["Bindings"]): string {
  if (env.deps.config.trustProxy) {
    // The proxy appends the address it saw; entries before it are the client's own claims.
    const forwarded = request.headers
      .get("x-forwarded-for")
      ?.split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    if (forwarded?.length) return forwarded[forwarded.length - 1];
  }
  return env.clientAddress ?? "unknown";
}
