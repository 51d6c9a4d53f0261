// The staff session cookie, the middleware that turns it into an Actor, and CSRF checks for
// every form post. The staff pages (and the API, when called from them) build on this.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { CookieOptions } from "hono/utils/cookie";
import type { Config } from "../../config";
import type { AppEnv } from "../../deps";
import { randomToken, safeEqual } from "../../domain/accounts/secrets";
import { csrfMatches, type OpenedSession, type ResolvedSession, resolveSession } from "../../domain/people/sessions";

/** Staff pages are per person and must never be stored by a browser or a proxy. */
export const STAFF_CACHE_CONTROL = "private, no-store";

// The __Host- prefix pins a cookie to this host, Secure and Path=/; browsers refuse it over
// plain HTTP, so local development uses the bare name.
export function sessionCookieName(config: Pick<Config, "secureCookies">): string {
  return config.secureCookies ? "__Host-kk_session" : "kk_session";
}
function loginCsrfCookieName(config: Pick<Config, "secureCookies">): string {
  return config.secureCookies ? "__Host-kk_login_csrf" : "kk_login_csrf";
}

// SameSite=Lax, not Strict: with Strict, following a link from an email (the borrowing notice
// sent to an editor) into the staff interface would arrive signed out. Lax still withholds the
// cookie from cross-site POSTs, and every state-changing form carries a CSRF token as well.
function cookieOptions(config: Pick<Config, "secureCookies">, expires?: Date): CookieOptions {
  return { httpOnly: true, sameSite: "Lax", secure: config.secureCookies, path: "/", ...(expires ? { expires } : {}) };
}

export function setSessionCookie(c: Context<AppEnv>, session: OpenedSession): void {
  const { config } = c.env.deps;
  setCookie(c, sessionCookieName(config), session.cookie, cookieOptions(config, session.expiresAt));
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  const { config } = c.env.deps;
  deleteCookie(c, sessionCookieName(config), cookieOptions(config));
}

const resolvedByRequest = new WeakMap<Request, ResolvedSession | null>();

/** The request's session, resolved once per request; null when signed out. */
export async function readStaffSession(c: Context<AppEnv>): Promise<ResolvedSession | null> {
  if (resolvedByRequest.has(c.req.raw)) return resolvedByRequest.get(c.req.raw) ?? null;
  const cookie = getCookie(c, sessionCookieName(c.env.deps.config));
  const resolved = cookie ? await resolveSession(c.env.deps.db, cookie, c.env.deps.now()) : null;
  resolvedByRequest.set(c.req.raw, resolved);
  return resolved;
}

/** The CSRF token for the forms of this page (a hidden field named _csrf). */
export function csrfTokenOf(c: Context<AppEnv>): string {
  const resolved = resolvedByRequest.get(c.req.raw);
  if (!resolved) throw new Error("csrfTokenOf needs requireStaffSession before it.");
  return resolved.session.csrfToken;
}

export function sessionIdOf(c: Context<AppEnv>): string | null {
  return resolvedByRequest.get(c.req.raw)?.session.id ?? null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The token a request sends: the x-csrf-token header, or the _csrf field of a form. */
export async function sentCsrfToken(c: Context<AppEnv>): Promise<string | undefined> {
  const header = c.req.header("x-csrf-token");
  if (header) return header;
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) return;
  const form = await c.req.parseBody();
  return typeof form._csrf === "string" ? form._csrf : undefined;
}

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Resolves the cookie to an Actor (c.get("actor")). Signed out: pages redirect to sign-in and
 * come back; form posts are refused. A post without the session's CSRF token is refused.
 */
export const requireStaffSession = createMiddleware<AppEnv>(async (c, next) => {
  const resolved = await readStaffSession(c);
  if (!resolved) {
    if (isSafeMethod(c.req.method)) {
      return c.redirect(`/staff/login?next=${encodeURIComponent(c.req.path)}`, 303);
    }
    return staffError(c, 401, "Du är inte inloggad, eller så har inloggningen gått ut. Logga in och försök igen.");
  }
  if (!isSafeMethod(c.req.method) && !csrfMatches(resolved.session, await sentCsrfToken(c))) {
    return staffError(
      c,
      403,
      "Formuläret kunde inte skickas eftersom säkerhetskoden saknas eller är fel. Ladda om sidan och försök igen.",
    );
  }
  c.set("actor", resolved.actor);
  await next();
});

/** A small HTML error page in the staff layout. */
export function staffError(c: Context<AppEnv>, status: 401 | 403 | 404 | 429, message: string) {
  const { deps } = c.env;
  c.header("cache-control", STAFF_CACHE_CONTROL);
  return c.html(
    deps.render.render("staff/error", { title: status === 401 ? "Inte inloggad" : "Det gick inte", message, status }),
    status,
  );
}

/**
 * Sign-in happens before there is a session, so its form is protected by a double-submit
 * token: a random cookie that a cross-site page can neither read nor set, echoed in the form.
 */
export function issueLoginCsrf(c: Context<AppEnv>): string {
  const { config } = c.env.deps;
  const existing = getCookie(c, loginCsrfCookieName(config));
  if (existing && /^csrf_[A-Za-z0-9_-]{20,}$/.test(existing)) return existing;
  const token = randomToken("csrf", 24);
  setCookie(c, loginCsrfCookieName(config), token, cookieOptions(config));
  return token;
}

export async function loginCsrfMatches(c: Context<AppEnv>): Promise<boolean> {
  const cookie = getCookie(c, loginCsrfCookieName(c.env.deps.config));
  const sent = await sentCsrfToken(c);
  return Boolean(cookie && sent && safeEqual(cookie, sent));
}
