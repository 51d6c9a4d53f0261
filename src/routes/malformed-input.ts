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

/** Only a segment with an escape or a character outside printable ASCII can hold a NUL or a surrogate. */
const MAYBE_UNSTORABLE = /[^\x20-\x7e]|%/;

/** Path parameters named id or …Id hold UUIDs everywhere in the hub. */
const isIdName = (name: string) => name === "id" || name.endsWith("Id");

export const refuseMalformedInput = createMiddleware<AppEnv>(async (c, next) => {
  // Every public request passes here, so the common case (no query, no id in the route, no
  // percent-escape in the path) costs a lookup and a few string checks, not a parse.
  const query = c.req.url.includes("?") ? unstorableFormFields(c.req.queries()) : [];
  const fields = [...malformedIds(respondingRoute(c), c.req.path), ...query];
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

interface RouteParam {
  index: number;
  name: string;
  isId: boolean;
}

/** The parameters of each route pattern, worked out once: routes are few, requests many. */
const paramsByRoute = new Map<string, RouteParam[]>();

function paramsOf(route: string): RouteParam[] {
  let params = paramsByRoute.get(route);
  if (!params) {
    params = [];
    for (const [index, part] of route.split("/").entries()) {
      if (!part.startsWith(":")) continue;
      const name = part.slice(1).replace(/\{.*$/, "").replace(/\?$/, "");
      params.push({ index, name, isId: isIdName(name) });
    }
    paramsByRoute.set(route, params);
  }
  return params;
}

function malformedIds(route: string | null, path: string): FieldError[] {
  if (!route) return [];
  const params = paramsOf(route);
  if (!params.length) return [];
  const segments = path.split("/");
  const fields: FieldError[] = [];
  for (const { index, name, isId } of params) {
    const raw = segments[index] ?? "";
    if (isId) {
      if (!UUID.test(safeDecode(raw))) fields.push({ field: name, message: "Expected a UUID." });
    } else if (MAYBE_UNSTORABLE.test(raw)) fields.push(...unstorableFormFields({ [name]: safeDecode(raw) }));
  }
  return fields;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
