// Input the database cannot hold is refused before any handler runs: an id in the path that is
// not a UUID, and a NUL or a lone surrogate in any other path parameter or in the query. Each would otherwise reach PostgreSQL
// and come back as a 500.
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../deps";
import { type FieldError, InvalidInputError } from "../errors";
import { renderStaffError } from "./staff/problem";
import { unstorableFormFields } from "./unstorable-text";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path parameters named id or …Id hold UUIDs everywhere in the hub. */
const isIdName = (name: string) => name === "id" || name.endsWith("Id");

export const refuseMalformedInput = createMiddleware<AppEnv>(async (c, next) => {
  const fields = [...malformedIds(respondingRoute(c), c.req.path), ...unstorableFormFields(c.req.queries())];
  if (!fields.length) return next();
  const error = new InvalidInputError("invalid_input", `Invalid input: ${fields.map((f) => f.field).join(", ")}.`, {
    fields,
  });
  if (c.req.path.startsWith("/staff/")) return renderStaffError(error, c);
  throw error;
});

/** The first matched route that is an endpoint (middleware are registered for every method). */
function respondingRoute(c: Parameters<typeof matchedRoutes>[0]): string | null {
  return matchedRoutes(c).find((r) => r.method !== "ALL")?.path ?? null;
}

function malformedIds(route: string | null, path: string): FieldError[] {
  if (!route) return [];
  const pattern = route.split("/");
  const segments = path.split("/");
  const fields: FieldError[] = [];
  pattern.forEach((part, i) => {
    if (!part.startsWith(":")) return;
    const name = part.slice(1).replace(/\{.*$/, "").replace(/\?$/, "");
    const value = safeDecode(segments[i] ?? "");
    if (isIdName(name) && !UUID.test(value)) fields.push({ field: name, message: "Expected a UUID." });
    else fields.push(...unstorableFormFields({ [name]: value }));
  });
  return fields;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
