// A traffic spike asks for the same few public pages over and over. When the page at a request's
// path is already rendered for the revision read moments ago, it is answered here, before Hono
// routes the request: one Map lookup instead of matching some 270 routes, running the global
// middleware and building a Context, and an answer given synchronously (on Node the server
// then writes it without waiting for a promise).
//
// Nothing the full pipeline enforces is skipped. The public rate limit counts the request in
// the same counter as the middleware. Only a rendering whose route answers with it as it is
// (serveCached's `asIs`) is served, and only for the exact path it was stored under: that path
// went through the whole pipeline when it was rendered, and routing, the language redirect and
// the malformed-input check depend on the path alone, so they would let it through again. A
// query, a fragment or a percent-escape takes the full pipeline (a query may select another
// rendering; an escape is what the malformed-input check decodes). A published change forgets
// the revision (Deps.onPublicChange), so the next request takes the full pipeline and renders.
import type { AppEnv } from "../../deps";
import { clientAddressOfRequest } from "../client-address";
import { type RequestRate, tooManyRequestsText } from "../rate-limit";
import { readyRendering, refreshRevisionIfDue, respondFromCache } from "./serve-cached";

/** A query, a fragment, an escape or anything outside printable ASCII. */
const FULL_PIPELINE = /[%?#]|[^\x21-\x7e]/;

/** The answer to a GET or HEAD of a public page rendered for the current revision, or undefined. */
export function answerBeforeRouting(
  request: Request,
  env: AppEnv["Bindings"],
  publicRate: RequestRate,
): Response | undefined {
  const method = request.method;
  if (method !== "GET" && method !== "HEAD") return undefined;
  const url = request.url;
  // Where Hono's getPath starts the path: after the scheme and the authority.
  const path = url.slice(url.indexOf("/", url.indexOf(":") + 4));
  if (FULL_PIPELINE.test(path)) return undefined;
  const { deps } = env;
  const nowMs = deps.now().getTime();
  const hit = readyRendering(deps, path, nowMs);
  if (!hit?.asIs) return undefined;
  const over = publicRate.count(deps, clientAddressOfRequest(request, env));
  if (over) return tooManyRequestsText(over, method === "HEAD");
  refreshRevisionIfDue(deps, nowMs);
  return respondFromCache(deps, hit, false, request);
}
