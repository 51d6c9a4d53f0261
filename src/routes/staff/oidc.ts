// Sign-in with the municipality's identity provider: /staff/oidc/start sends the browser there
// with a sealed, short-lived cookie holding state, nonce and PKCE verifier; /staff/oidc/callback
// checks everything (domain/people/oidc-sign-in.ts) and opens the hub's own session.
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { AppEnv } from "../../deps";
import { openJson, sealJson } from "../../domain/accounts/secrets";
import { beginOidcSignIn, FLOW_MINUTES, type OidcFlow, redirectUri } from "../../domain/people/oidc-client";
import { signInWithOidc } from "../../domain/people/oidc-sign-in";
import { AppError } from "../../errors";
import { errorText } from "./error-texts";
import { STAFF_CACHE_CONTROL, setSessionCookie } from "./session";

function flowCookieName(c: Context<AppEnv>): string {
  return c.env.deps.config.secureCookies ? "__Host-kk_oidc" : "kk_oidc";
}

// Lax, so the cookie comes along when the provider sends the browser back (a top-level GET).
function flowCookieOptions(c: Context<AppEnv>) {
  return { httpOnly: true, sameSite: "Lax", secure: c.env.deps.config.secureCookies, path: "/" } as const;
}

const FlowCookie = z.object({
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  codeVerifier: z.string().min(43).max(128),
  next: z.string().max(2000),
  expiresAt: z.number(),
});

async function readFlow(c: Context<AppEnv>): Promise<OidcFlow | null> {
  const sealed = getCookie(c, flowCookieName(c));
  if (!sealed || sealed.length > 4000) return null;
  try {
    return FlowCookie.parse(await openJson(c.env.deps.secretKey, sealed));
  } catch {
    return null;
  }
}

function errorPage(c: Context<AppEnv>, status: 401 | 403 | 404 | 409 | 503, title: string, message: string) {
  c.header("cache-control", STAFF_CACHE_CONTROL);
  return c.html(c.env.deps.render.render("staff/error", { title, message, status }), status);
}

/** Only paths inside the staff interface: never an open redirect to another site. */
export function safeStaffPath(next: unknown): string {
  return typeof next === "string" && /^\/staff(\/[A-Za-z0-9\-._~/%?=&]*)?$/.test(next) && !next.startsWith("//")
    ? next
    : "/staff";
}

export const oidcSignIn = new Hono<AppEnv>()
  .get("/oidc/start", async (c) => {
    const { deps } = c.env;
    if (!deps.config.oidc)
      return errorPage(c, 404, "Det gick inte", "Inloggning med kommunens konto är inte inställd.");
    try {
      const { url, flow } = await beginOidcSignIn(deps, safeStaffPath(c.req.query("next")));
      setCookie(c, flowCookieName(c), await sealJson(deps.secretKey, flow), {
        ...flowCookieOptions(c),
        maxAge: FLOW_MINUTES * 60,
      });
      return c.redirect(url, 303);
    } catch (error) {
      deps.log.warn("the identity provider does not answer", { error: String(error) });
      return errorPage(c, 503, "Det gick inte", errorText("oidc_sign_in_failed", { reason: "provider_unreachable" }));
    }
  })
  .get("/oidc/callback", async (c) => {
    const { deps } = c.env;
    if (!deps.config.oidc)
      return errorPage(c, 404, "Det gick inte", "Inloggning med kommunens konto är inte inställd.");
    const flow = await readFlow(c);
    // One use only: a reloaded or replayed callback finds no flow.
    deleteCookie(c, flowCookieName(c), flowCookieOptions(c));
    // The redirect URI as registered, whatever host name the request arrived under (a proxy).
    const callbackUrl = new URL(redirectUri(deps));
    callbackUrl.search = new URL(c.req.url).search;
    try {
      const { session, next } = await signInWithOidc(deps, flow, callbackUrl);
      setSessionCookie(c, session);
      return c.redirect(safeStaffPath(next), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const status = error.status as 401 | 403 | 409;
      const title = status === 403 ? "Ingen behörighet" : "Inloggningen misslyckades";
      return errorPage(c, status, title, errorText(error.code, error.params ?? {}));
    }
  });
