// Authentication for the JSON API: a bearer token, or the staff session cookie when the staff
// interface calls the API from the browser. Both resolve to the same Actor.

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../deps";
import { mayWrite } from "../../domain/people/access";
import { csrfMatches } from "../../domain/people/sessions";
import { authenticateToken } from "../../domain/people/tokens";
import { ForbiddenError, InvalidInputError, UnauthorizedError } from "../../errors";
import { isSafeMethod, readStaffSession } from "../staff/session";
import { unstorableTextFields } from "../unstorable-text";

export const requireBearer = createMiddleware<AppEnv>(async (c, next) => {
  const { deps } = c.env;
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError("unauthorized", "Send Authorization: Bearer <token>.");
    const actor = await authenticateToken(deps.db, match[1], deps.now());
    if (!actor) throw new UnauthorizedError("unauthorized", "The bearer token is unknown or revoked.");
    if (!isSafeMethod(c.req.method) && !mayWrite(actor))
      throw new ForbiddenError("token_read_only", "This token may only read.");
    c.set("actor", actor);
    return next();
  }
  const resolved = await readStaffSession(c);
  if (!resolved)
    throw new UnauthorizedError("unauthorized", "Send Authorization: Bearer <token>, or sign in at /staff/login.");
  // A cookie rides along with any request the browser makes, so a write must also prove it
  // came from our own page: the session's CSRF token in the x-csrf-token header.
  if (!isSafeMethod(c.req.method) && !csrfMatches(resolved.session, c.req.header("x-csrf-token"))) {
    throw new ForbiddenError(
      "csrf_required",
      "A signed-in write needs the session's CSRF token in the x-csrf-token header.",
    );
  }
  c.set("actor", resolved.actor);
  await next();
});

/** The request's JSON body; a body that is not JSON is a 400, not a 500. */
export async function readJson(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InvalidInputError("invalid_json", "The request body must be a JSON object.", {
        fields: [{ field: "(body)", code: "invalid_json", message: "Expected an object." }],
      });
    }
    const unstorable = unstorableTextFields(value);
    if (unstorable.length) {
      throw new InvalidInputError("invalid_input", `Invalid input: ${unstorable.map((f) => f.field).join(", ")}.`, {
        fields: unstorable,
      });
    }
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError("invalid_json", "The request body is not valid JSON.", {
      fields: [{ field: "(body)", code: "invalid_json", message: "Invalid JSON." }],
    });
  }
}
