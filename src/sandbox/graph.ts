// The Graph API error object shared by the Facebook, Instagram and Threads stand-ins.
import type { Context } from "hono";
import { type FailureSpec, type RenderedFailure, retryAfterOf, type SandboxControl } from "./control";
import { readParams } from "./platform";

// Codes Meta marks as transient (retrying may help).
const TRANSIENT = new Set([1, 2, 4, 17, 32]);

export function graphError(code: number, message: string, subcode?: number) {
  return {
    error: {
      message,
      type: code === 190 ? "OAuthException" : "GraphMethodException",
      code,
      ...(subcode ? { error_subcode: subcode } : {}),
      is_transient: TRANSIENT.has(code),
      fbtrace_id: "AsandboxTrace",
    },
  };
}

export function renderGraphFailure(spec: FailureSpec): RenderedFailure {
  if (spec.status === 429) {
    // Meta signals rate limits with code 4 and, for Page tokens, minutes in the BUC header.
    const minutes = Math.ceil(retryAfterOf(spec) / 60);
    return {
      body: graphError(4, "(#4) Application request limit reached"),
      headers: {
        "x-business-use-case-usage": JSON.stringify({
          sandbox: [
            {
              type: "pages",
              call_count: 100,
              total_cputime: 10,
              total_time: 10,
              estimated_time_to_regain_access: minutes,
            },
          ],
        }),
      },
    };
  }
  if (spec.status === 401) return { body: graphError(190, "Error validating access token: Session has expired", 463) };
  if (spec.status === 403) return { body: graphError(200, "(#200) Permissions error") };
  if (spec.status >= 500)
    return { body: graphError(2, "An unexpected error has occurred. Please retry your request later.") };
  return { body: graphError(100, "(#100) Invalid parameter") };
}

/** Graph tokens arrive as the access_token parameter; answers the token error, or undefined when fine. */
export async function checkGraphToken(
  c: Context,
  control: SandboxControl,
  accepted: string[],
): Promise<{ response?: Response; params: Record<string, unknown> }> {
  const params = await readParams(c);
  const token: unknown = params.access_token ?? c.req.header("authorization")?.replace(/^Bearer\s+/i, "");
  if (!token)
    return { params, response: c.json(graphError(104, "An access token is required to request this resource."), 400) };
  if (typeof token !== "string" || !accepted.includes(token))
    return { params, response: c.json(graphError(190, "Invalid OAuth access token - Cannot parse access token"), 400) };
  const state = control.tokenState();
  if (state === "revoked") {
    return {
      params,
      response: c.json(
        graphError(
          190,
          "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
          460,
        ),
        400,
      ),
    };
  }
  if (state === "expired") {
    return {
      params,
      response: c.json(
        graphError(190, "Error validating access token: Session has expired on Friday, 01-Jan-21 00:00:00 PST.", 463),
        400,
      ),
    };
  }
  return { params };
}

/** Graph dates look like "2026-03-01T10:00:00+0000". */
export function graphTime(iso: string | undefined): string {
  return (iso ?? new Date(0).toISOString()).replace(/\.\d{3}Z$/, "+0000");
}

/** `since` as Graph takes it: unix seconds or a date string. */
export function readSince(value: unknown): number | undefined {
  if (value === undefined || value === "") return undefined;
  const text = String(value);
  return /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
}

/** Cursor paging as Graph does it: `limit`, `after`, and `paging.next` while more is left. */
export function graphPage<T>(all: T[], limitParam: unknown, afterParam: unknown, selfUrl: string) {
  const limit = Math.min(Math.max(Number(limitParam ?? 25) || 25, 1), 100);
  const start = afterParam ? Number(Buffer.from(String(afterParam), "base64url").toString()) || 0 : 0;
  const data = all.slice(start, start + limit);
  const end = start + data.length;
  const cursor = (n: number) => Buffer.from(String(n)).toString("base64url");
  const more = end < all.length;
  const next = new URL(selfUrl);
  next.searchParams.set("after", cursor(end));
  return {
    data,
    paging: {
      cursors: { before: cursor(start), after: cursor(end) },
      ...(more ? { next: next.toString() } : {}),
    },
  };
}
