// Staff sign-in, sign-out and password change. The start page at /staff is the dashboard (index.ts).
import { type Context, Hono } from "hono";
import { ZodError } from "zod";
import type { AppEnv } from "../../deps";
import { type Action, can, roleLabel } from "../../domain/people/access";
import { endSessionUrl } from "../../domain/people/oidc-client";
import { revokeSession } from "../../domain/people/sessions";
import { changePassword, SignInThrottledError, signIn, WRONG_CREDENTIALS } from "../../domain/people/sign-in";
import { getOrganisation } from "../../domain/publishing/organisation";
import { AppError, type FieldError, fieldsOf, isErrorCode } from "../../errors";
import { clientAddressOf } from "../client-address";
import { unstorableFormFields } from "../unstorable-text";
import { errorText } from "./error-texts";
import { oidcSignIn, safeStaffPath } from "./oidc";
import {
  clearSessionCookie,
  csrfTokenOf,
  issueLoginCsrf,
  loginCsrfMatches,
  readStaffSession,
  requireStaffSession,
  STAFF_CACHE_CONTROL,
  sessionIdOf,
  setSessionCookie,
} from "./session";

type Status = 200 | 400 | 401 | 403 | 429;

/**
 * One policy for every staff response. Scripts and styles come only from /staff/assets (no
 * inline code, no style attributes), so injected markup can neither run nor restyle a page;
 * forms post only back here, and nothing may frame the pages or rebase their links.
 */
export const STAFF_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

async function page(c: Context<AppEnv>, name: string, data: Record<string, unknown>, status: Status = 200) {
  const { deps } = c.env;
  const org = await getOrganisation(deps.db);
  const actor = c.get("actor");
  return c.html(
    deps.render.render(name, {
      orgName: org.name,
      errors: [],
      values: {},
      ...(actor
        ? {
            actor: { name: actor.name, role: roleLabel(actor.role), admin: can(actor, "people.manage") },
            can: (action: Action) => can(actor, action),
          }
        : {}),
      ...data,
    }),
    status,
  );
}

const safeNext = safeStaffPath;

/** What the sign-in page offers: the identity provider first, passwords unless turned off. */
async function signInOptions(c: Context<AppEnv>) {
  const { config } = c.env.deps;
  const signedOut = c.req.query("utloggad");
  return {
    oidcName: config.oidc?.name ?? null,
    passwordSignIn: config.passwordSignIn,
    signedOut: signedOut !== undefined,
    // RP-initiated logout is offered, not forced: the person may stay signed in to other services.
    endSessionUrl: signedOut === "sso" && config.oidc ? await endSessionUrl(c.env.deps) : null,
  };
}

function formFields(form: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

/** Domain errors as Swedish field errors for the form's error summary. */
function toFormErrors(error: unknown, fallbackField: string): FieldError[] | null {
  if (error instanceof ZodError) return fieldsOf(error);
  if (error instanceof AppError) {
    const params = error.params ?? {};
    return error.fields?.length
      ? error.fields.map((f) => ({
          field: f.field,
          message: isErrorCode(f.code) ? errorText(f.code, { ...params, ...f.params }) : f.message,
        }))
      : [{ field: fallbackField, message: errorText(error.code, params) }];
  }
  return null;
}

export const staffSignIn = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    await next();
    c.header("cache-control", STAFF_CACHE_CONTROL);
    // Staff pages must not be framed by another site (clickjacking).
    c.header("x-frame-options", "DENY");
    c.header("content-security-policy", STAFF_CONTENT_SECURITY_POLICY);
    c.header("referrer-policy", "same-origin");
  })
  .get("/login", async (c) => {
    if (await readStaffSession(c)) return c.redirect(safeNext(c.req.query("next")), 303);
    const csrfToken = issueLoginCsrf(c);
    return page(c, "staff/login", {
      title: "Logga in",
      csrfToken,
      next: safeNext(c.req.query("next")),
      ...(await signInOptions(c)),
    });
  })
  .post("/login", async (c) => {
    const form = formFields(await c.req.parseBody());
    const next = safeNext(form.next);
    const csrfToken = issueLoginCsrf(c);
    const again = async (errors: FieldError[], status: Status) =>
      page(
        c,
        "staff/login",
        {
          title: "Logga in",
          csrfToken,
          next,
          errors,
          values: { email: form.email ?? "" },
          ...(await signInOptions(c)),
        },
        status,
      );
    if (!(await loginCsrfMatches(c))) {
      return again([{ field: "email", message: "Sidan hade gått ut. Försök logga in igen." }], 403);
    }
    if (unstorableFormFields(form).length) {
      return again([{ field: "email", message: WRONG_CREDENTIALS }], 400);
    }
    try {
      const { session } = await signIn(
        c.env.deps,
        { email: form.email ?? "", password: form.password ?? "" },
        clientAddressOf(c),
      );
      setSessionCookie(c, session);
      return c.redirect(next, 303);
    } catch (error) {
      if (error instanceof SignInThrottledError) c.header("retry-after", String(error.retryAfterSeconds));
      const errors = toFormErrors(error, "email");
      if (!errors) throw error;
      return again(errors, error instanceof AppError ? (error.status as Status) : 400);
    }
  })
  .post("/logout", requireStaffSession, async (c) => {
    const { deps } = c.env;
    const resolved = await readStaffSession(c);
    if (resolved) await revokeSession(deps.db, resolved.session.id, deps.now());
    clearSessionCookie(c);
    const sso = resolved?.session.signedInWith === "oidc" && deps.config.oidc;
    return c.redirect(sso ? "/staff/login?utloggad=sso" : "/staff/login", 303);
  })
  .route("/", oidcSignIn)
  .get("/password", requireStaffSession, (c) =>
    page(c, "staff/password", { title: "Byt lösenord", csrfToken: csrfTokenOf(c) }),
  )
  .post("/password", requireStaffSession, async (c) => {
    const form = formFields(await c.req.parseBody());
    const unstorable = unstorableFormFields(form);
    if (unstorable.length) {
      const errors = unstorable.map((f) => ({
        field: f.field,
        message: "Texten innehåller tecken som inte går att spara.",
      }));
      return page(c, "staff/password", { title: "Byt lösenord", csrfToken: csrfTokenOf(c), errors }, 400);
    }
    try {
      await changePassword(
        c.env.deps,
        c.get("actor"),
        sessionIdOf(c),
        {
          currentPassword: form.currentPassword ?? "",
          newPassword: form.newPassword ?? "",
          confirmPassword: form.confirmPassword ?? "",
        },
        clientAddressOf(c),
      );
      return page(c, "staff/password", { title: "Byt lösenord", csrfToken: csrfTokenOf(c), changed: true });
    } catch (error) {
      if (error instanceof SignInThrottledError) c.header("retry-after", String(error.retryAfterSeconds));
      const errors = toFormErrors(error, "currentPassword");
      if (!errors) throw error;
      const status = error instanceof AppError ? (error.status as Status) : 400;
      return page(c, "staff/password", { title: "Byt lösenord", csrfToken: csrfTokenOf(c), errors }, status);
    }
  });
