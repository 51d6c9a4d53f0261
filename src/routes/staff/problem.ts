// Errors on staff pages become a page in the staff layout, in Swedish, never a JSON body.
import type { Context } from "hono";
import { toServiceUnavailable } from "../../db/unavailable";
import type { AppEnv } from "../../deps";
import { roleLabel } from "../../domain/people/access";
import { getOrganisation } from "../../domain/publishing/organisation";
import { AppError, ServiceUnavailableError } from "../../errors";
import { csrfTokenOf, STAFF_CACHE_CONTROL } from "./session";

const TITLES: Record<number, { title: string; message: string }> = {
  400: {
    title: "Felaktiga uppgifter",
    message: "Adressen eller formuläret innehöll något som inte går att spara. Kontrollera och försök igen.",
  },
  403: {
    title: "Ingen behörighet",
    message: "Din roll ger inte behörighet till det här. Be en administratör om hjälp.",
  },
  404: { title: "Sidan finns inte", message: "Det du letar efter finns inte, eller så har adressen ändrats." },
  409: { title: "Det gick inte", message: "Det gick inte att göra det här just nu." },
  503: {
    title: "Databasen svarar inte",
    message: "Databasen svarar inte just nu. Försök igen om en stund; den offentliga webbplatsen visas som förut.",
  },
};

export async function renderStaffError(raw: Error, c: Context<AppEnv>) {
  const { deps } = c.env;
  const error = toServiceUnavailable(raw) ?? raw;
  if (error instanceof ServiceUnavailableError) c.header("retry-after", String(error.retryAfterSeconds));
  const status = error instanceof AppError && TITLES[error.status] ? error.status : 500;
  if (status === 500) deps.log.error("staff page failed", { path: c.req.path, error: String(error?.stack ?? error) });
  const text = TITLES[status] ?? {
    title: "Något gick fel",
    message:
      "Något gick fel hos oss. Försök igen om en stund. Publicerar du i en kris: använd API:t eller plattformarna direkt.",
  };
  const actor = c.get("actor");
  const orgName = await getOrganisation(deps.db)
    .then((o) => o.name)
    .catch(() => undefined);
  c.header("cache-control", STAFF_CACHE_CONTROL);
  return c.html(
    deps.render.render("staff/error", {
      ...text,
      status,
      orgName,
      ...(actor ? { actor: { name: actor.name, role: roleLabel(actor.role) }, csrfToken: csrfTokenOf(c) } : {}),
    }),
    status as 403,
  );
}
