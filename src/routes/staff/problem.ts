// Errors on staff pages become a page in the staff layout, in Swedish, never a JSON body.
import type { Context } from "hono";
import { toServiceUnavailable } from "../../db/unavailable";
import type { AppEnv } from "../../deps";
import { roleLabel } from "../../domain/people/access";
import { getOrganisation } from "../../domain/publishing/organisation";
import { AppError, ServiceUnavailableError } from "../../errors";
import { errorText } from "./error-texts";
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
  413: {
    title: "För mycket på en gång",
    message: "Formuläret var för stort för att tas emot. Skicka mindre på en gång.",
  },
  422: { title: "Kan inte publiceras", message: "Texten innehåller något som inte får publiceras." },
  429: {
    title: "För många försök",
    message: "Du har gjort för många försök på kort tid. Vänta en stund och försök igen.",
  },
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
  const known = TITLES[status];
  // A refusal with its own code (409 "already withdrawn", 422 a personnummer) says what happened in
  // its Swedish words (error-texts.ts), not the page's general ones; input errors keep the general.
  const specific =
    known && error instanceof AppError && error.code !== "invalid_input" && status !== 404 && status !== 403
      ? errorText(error.code, error.params ?? {})
      : null;
  const text = (known && { ...known, message: specific ?? known.message }) ?? {
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
