// Bearer-token authentication for the JSON API. Sessions (staff cookies) are added by the
// staff interface; both resolve to the same Actor.

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../deps";
import { authenticateToken } from "../../domain/tokens";
import { InvalidInputError, UnauthorizedError } from "../../errors";

export const requireBearer = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new UnauthorizedError("Send Authorization: Bearer <token>.");
  const actor = await authenticateToken(c.env.deps.db, match[1]);
  if (!actor) throw new UnauthorizedError("The bearer token is unknown or revoked.");
  c.set("actor", actor);
  await next();
});

/** The request's JSON body; a body that is not JSON is a 400, not a 500. */
export async function readJson(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InvalidInputError("The request body must be a JSON object.", [
        { field: "(body)", message: "Expected an object." },
      ]);
    }
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError("The request body is not valid JSON.", [{ field: "(body)", message: "Invalid JSON." }]);
  }
}
