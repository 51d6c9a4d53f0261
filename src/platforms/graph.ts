// Meta's Graph APIs (Facebook, Instagram, Threads) share one error object and one set of codes;
// the HTTP status alone says little (a revoked token is a 400), so the code decides.
import { classifyHttpFailure, describeBody, failure, type HttpReply, readRetryAfter } from "./http";
import type { FailureResult } from "./types";

export const GRAPH_VERSION = "v21.0";
export const THREADS_VERSION = "v1.0";

const AUTH_CODES = new Set([102, 190]);
const RIGHTS_CODES = new Set([10, 3]);
// 4 app, 17 user, 32 page, 613 custom, 341 app limit, 9 Instagram's daily publishing limit.
const RATE_CODES = new Set([4, 9, 17, 32, 341, 613]);
// 1 and 2 are "unknown" and "service" errors; -1 and -2 are Instagram's server and download failures.
const TRANSIENT_CODES = new Set([1, 2, -1, -2]);
const DUPLICATE_CODES = new Set([506, 368]);
// Where Meta says when access comes back (estimated_time_to_regain_access, in minutes): Business
// Use Case limits per business id, and the older flat Page and App usage headers.
const USAGE_HEADERS = ["x-business-use-case-usage", "x-page-usage", "x-app-usage"];

export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_msg?: string;
}

export function classifyGraphFailure(reply: HttpReply): FailureResult {
  const error = (reply.body as { error?: GraphError } | undefined)?.error;
  if (!error || typeof error.code !== "number") return classifyHttpFailure(reply);
  const code = error.code;
  const subcode = error.error_subcode ? `/${error.error_subcode}` : "";
  const message = `Graph ${code}${subcode}: ${error.error_user_msg ?? describeBody(reply)}`;
  if (AUTH_CODES.has(code)) return failure("auth", message);
  if (RIGHTS_CODES.has(code) || (code >= 200 && code <= 299)) return failure("rights", message);
  if (RATE_CODES.has(code) || (code >= 80001 && code <= 80014)) {
    return failure("retry", message, readGraphWait(reply) ?? (code === 9 ? 3600 : undefined));
  }
  if (TRANSIENT_CODES.has(code) || error.is_transient || reply.status >= 500) {
    return failure("retry", message, readRetryAfter(reply));
  }
  if (DUPLICATE_CODES.has(code)) return failure("invalid", `Dubblett: ${message}`);
  return failure("invalid", message);
}

/**
 * Seconds to wait, never more than the platform said. A Retry-After (from a proxy or a stand-in)
 * is exact and wins; the usage headers' estimate is in whole minutes, so a wait of two seconds
 * would read as one minute there, and a queue of updates behind it would wait minutes each.
 */
function readGraphWait(reply: HttpReply): number | undefined {
  return readRetryAfter(reply) ?? readRegainSeconds(reply);
}

function readRegainSeconds(reply: HttpReply): number | undefined {
  const minutes: number[] = [];
  for (const name of USAGE_HEADERS) {
    const raw = reply.headers.get(name);
    if (!raw) continue;
    try {
      minutes.push(...regainMinutes(JSON.parse(raw)));
    } catch {
      // A header that is not JSON says nothing about when to come back.
    }
  }
  const max = Math.max(0, ...minutes);
  return max > 0 ? Math.ceil(max * 60) : undefined;
}

/** estimated_time_to_regain_access wherever it is: flat (Page, App usage) or per business id (BUC). */
function regainMinutes(value: unknown, depth = 0): number[] {
  if (!value || typeof value !== "object" || depth > 3) return [];
  if (Array.isArray(value)) return value.flatMap((item) => regainMinutes(item, depth + 1));
  const own = (value as { estimated_time_to_regain_access?: unknown }).estimated_time_to_regain_access;
  if (typeof own === "number" && Number.isFinite(own)) return [own];
  return Object.values(value).flatMap((item) => regainMinutes(item, depth + 1));
}

/**
 * Every segment of `path` is percent-encoded, so an id can never reach the query string or
 * another edge; ids are also checked against their format (remote-ids.ts) before they get here.
 */
export function graphUrl(baseUrl: string, version: string, path: string, params: Record<string, string> = {}): string {
  const segments = path.replace(/^\//, "").split("/").map(encodeURIComponent).join("/");
  const url = new URL(`${baseUrl.replace(/\/$/, "")}/${version}/${segments}`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
