// Errors outside the API and the staff pages: a page in Swedish, never a JSON body, and one that
// needs nothing from the database, since "the database does not answer" is the usual reason.
import type { Context } from "hono";
import type { AppEnv } from "../../deps";
import { ServiceUnavailableError } from "../../errors";
import { fallbackBrandView } from "../../render/brand";

const TEXT: Record<number, { heading: string; message: string }> = {
  404: {
    heading: "Sidan finns inte",
    message: "Adressen finns inte. Kontrollera stavningen eller gå till startsidan.",
  },
  400: { heading: "Det gick inte", message: "Förfrågan kunde inte hanteras. Gå tillbaka och försök igen." },
  503: {
    heading: "Tillfälligt otillgänglig",
    message: "Sidan kan inte visas just nu. Försök igen om en liten stund.",
  },
  500: {
    heading: "Något gick fel",
    message: "Sidan kan inte visas just nu på grund av ett fel hos oss. Försök igen om en liten stund.",
  },
};

export function renderPublicProblem(c: Context<AppEnv>, error: unknown, status: number): Response {
  const { deps } = c.env;
  const text = TEXT[status] ?? (status < 500 ? TEXT[400] : TEXT[500]);
  const body = deps.render.render("public/problem", {
    ...text,
    title: text.heading,
    orgName: deps.config.orgName,
    publicUrl: deps.config.publicUrl,
    // The database may be what failed: the error page does not ask it for the profile.
    brand: fallbackBrandView(deps.config.orgName),
  });
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (error instanceof ServiceUnavailableError) headers["retry-after"] = String(error.retryAfterSeconds);
  return c.html(body, status as 500, headers);
}
