// Renders a staff page in the staff layout with what every page needs: who is signed in, the
// CSRF token for its forms, the organisation's name, and whether social deliveries are paused.
import type { Context } from "hono";
import type { AppEnv } from "../../deps";
import { can, roleLabel } from "../../domain/people/access";
import { getOrganisation } from "../../domain/publishing/organisation";
import type { FieldError } from "../../errors";
import { csrfTokenOf, STAFF_CACHE_CONTROL } from "./session";

export type PageStatus = 200 | 400 | 403 | 404 | 409 | 422 | 500;

/** Which top-level section a page belongs to, for aria-current in the navigation. */
export type Section =
  | "start"
  | "incidents"
  | "accounts"
  | "compliance"
  | "removals"
  | "inbox"
  | "records"
  | "departments"
  | "people"
  | "settings";

export interface PageData extends Record<string, unknown> {
  title: string;
  section?: Section;
  errors?: FieldError[];
  values?: Record<string, unknown>;
}

export async function renderPage(c: Context<AppEnv>, name: string, data: PageData, status: PageStatus = 200) {
  const { deps } = c.env;
  const actor = c.get("actor");
  const org = await getOrganisation(deps.db);
  c.header("cache-control", STAFF_CACHE_CONTROL);
  return c.html(
    deps.render.render(name, {
      orgName: org.name,
      logoUrl: org.logoType ? (org.logoType === "image/png" ? "/logo.png" : "/logo.svg") : null,
      publicUrl: deps.config.publicUrl,
      errors: [],
      values: {},
      actor: { name: actor.name, role: roleLabel(actor.role), admin: can(actor, "people.manage") },
      csrfToken: csrfTokenOf(c),
      pausedAt: org.deliveriesPausedAt,
      can: (action: Parameters<typeof can>[1]) => can(actor, action),
      ...data,
    }),
    status,
  );
}

/** A part of a page (the preview, the delivery table) for the progressive enhancements. */
export function renderFragment(c: Context<AppEnv>, name: string, data: Record<string, unknown>) {
  c.header("cache-control", STAFF_CACHE_CONTROL);
  return c.html(c.env.deps.render.render(name, data));
}
