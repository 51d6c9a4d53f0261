// Errors outside the API and the staff pages: a page in Swedish (or the address's language), never a JSON body, and one that
// needs nothing from the database, since "the database does not answer" is the usual reason.
import type { Context } from "hono";
import type { AppEnv } from "../../deps";
import { SWEDISH } from "../../domain/publishing/languages";
import { ServiceUnavailableError } from "../../errors";
import { fallbackBrandView } from "../../render/brand";
import { publicLanguageView } from "../../render/public-language";
import { languageOfPath } from "./language";

export function renderPublicProblem(c: Context<AppEnv>, error: unknown, status: number): Response {
  const { deps } = c.env;
  // In the language the address asks for, if the hub has words for it: whether the organisation
  // offers it is in the database, which may be what failed.
  const view = publicLanguageView(deps.config.publicUrl, [SWEDISH], languageOfPath(c.req.path) ?? SWEDISH, "/");
  const problems = view.t.problem;
  const text =
    status === 400 || status === 404 || status === 500 || status === 503
      ? problems[status]
      : status < 500
        ? problems[400]
        : problems[500];
  const body = deps.render.render("public/problem", {
    ...view,
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
