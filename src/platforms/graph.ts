// Meta's Graph APIs (Facebook, Instagram, Threads) share one error object and one set of codes;
// the HTTP status alone says little (a revoked token is a 400), so the code decides.
import { classifyHttpFailure, describeBody, failure, type HttpReply } from "./http";
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
const BUC_HEADER = "x-business-use-case-usage";

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
    return failure("retry", message, readRegainSeconds(reply) ?? (code === 9 ? 3600 : undefined));
  }
  if (TRANSIENT_CODES.has(code) || error.is_transient || reply.status >= 500) return failure("retry", message);
  if (DUPLICATE_CODES.has(code)) return failure("invalid", `Dubblett: ${message}`);
  return failure("invalid", message);
}

/** Business Use Case limits say in minutes when access comes back. */
function readRegainSeconds(reply: HttpReply): number | undefined {
  const raw = reply.headers.get(BUC_HEADER);
  if (!raw) return undefined;
  try {
    const usage = JSON.parse(raw) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Object.values(usage)
      .flat()
      .map((u) => u.estimated_time_to_regain_access ?? 0);
    const max = Math.max(0, ...minutes);
    return max > 0 ? max * 60 : undefined;
  } catch {
    return undefined;
  }
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
