// One way to talk HTTP for every adapter: the injected fetch with a timeout, and one reading of
// what a failed exchange means for the dispatcher (retry, auth, rights, invalid, unconfirmed).
import type { z } from "zod";
import type { FailureClass, FailureResult, Send, SendInit } from "./types";

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
// Errors raised before a byte of the request left this machine: the platform cannot have acted.
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
]);
const SAFE_METHODS = new Set(["GET", "HEAD"]);

/** Thrown by a Send built with createSend; `callApi` turns it back into a typed result. */
export class SendError extends Error {
  constructor(
    readonly failureClass: "retry" | "unconfirmed",
    message: string,
  ) {
    super(message);
    this.name = "SendError";
  }
}

export function createSend(fetchFn: typeof fetch, defaultTimeoutMs = 10_000): Send {
  return async (url, init = {}) => {
    const timeoutMs = init.timeoutMs ?? defaultTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await fetchFn(url, { ...toRequestInit(init), signal: controller.signal });
      // The body is read under the same timeout, so a server that stalls mid-body cannot hang us.
      const body = NULL_BODY_STATUSES.has(res.status) ? null : await res.arrayBuffer();
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } catch (err) {
      if (controller.signal.aborted) {
        throw new SendError("unconfirmed", `Inget svar inom ${timeoutMs} ms; plattformen kan ha tagit emot anropet`);
      }
      throw new SendError(classifyThrown(err), describeThrown(err));
    } finally {
      clearTimeout(timer);
    }
  };
}

function toRequestInit(init: SendInit): RequestInit {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  let body: BodyInit | undefined = init.body as BodyInit | undefined;
  if (init.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers["content-type"] ??= "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  } else if (init.multipart) {
    // fetch writes the content-type itself, with the boundary.
    body = toFormData(init.multipart);
  }
  return { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body };
}

function toFormData(fields: NonNullable<SendInit["multipart"]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") data.append(name, value);
    else data.append(name, new Blob([value.bytes as Uint8Array<ArrayBuffer>], { type: value.type }), value.filename);
  }
  return data;
}

/** Connection refused or a failed DNS lookup happened before sending; anything else may not have. */
export function classifyThrown(err: unknown): "retry" | "unconfirmed" {
  if (err instanceof SendError) return err.failureClass;
  return errorCodes(err).some((code) => NOT_SENT_CODES.has(code)) ? "retry" : "unconfirmed";
}

function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== "object" || depth > 4) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === "string" ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(e.cause, depth + 1)];
}

function describeThrown(err: unknown): string {
  const codes = errorCodes(err);
  const message = err instanceof Error ? err.message : String(err);
  return codes.length ? `${message} (${codes.join(", ")})` : message;
}

/** A response read once, so classifiers and callers can both look at the body. */
export interface HttpReply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

export async function readReply(res: Response): Promise<HttpReply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's HTML error page, an empty 201): keep the text for the message.
  }
  return { status: res.status, headers: res.headers, body, text };
}

export type ApiResult<T> = { ok: true; data: T; reply: HttpReply } | FailureResult;
export type Classifier = (reply: HttpReply) => FailureResult;

/** Sends, reads and classifies: the one call adapters make. Never throws for network or HTTP failures. */
export async function callApi<T = unknown>(
  send: Send,
  url: string,
  init: SendInit = {},
  classify: Classifier = classifyHttpFailure,
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await send(url, init);
  } catch (err) {
    const failureClass = classifyThrown(err);
    // A read that timed out changed nothing, so it is simply worth trying again.
    const method = (
      init.method ?? ((init.json ?? init.form ?? init.multipart ?? init.body) ? "POST" : "GET")
    ).toUpperCase();
    const cls: FailureClass = failureClass === "unconfirmed" && SAFE_METHODS.has(method) ? "retry" : failureClass;
    return { ok: false, class: cls, message: err instanceof SendError ? err.message : describeThrown(err) };
  }
  const reply = await readReply(res);
  if (res.status >= 200 && res.status < 300) return { ok: true, data: reply.body as T, reply };
  return classify(reply);
}

/**
 * For a request that cannot create the post (a session, an upload, a container, a limits read):
 * whatever became of it, asking again cannot post twice, so an answer lost on the way back is
 * worth another try, not a post in doubt.
 */
export function lostAnswerIsRetry<R extends { ok: boolean }>(res: R): R {
  const failed = res as unknown as FailureResult;
  return !failed.ok && failed.class === "unconfirmed" ? ({ ...res, class: "retry" } as R) : res;
}

/**
 * Holds a successful answer to the shape the caller acts on. A body of another shape is a
 * failure of class `cls` (the platform changed, or a proxy answered), never a guess.
 */
export function checkShape<T>(
  res: { ok: true; data: unknown } | FailureResult,
  schema: z.ZodType<T>,
  cls: FailureClass = "retry",
): { ok: true; data: T } | FailureResult {
  if (!res.ok) return res;
  const parsed = schema.safeParse(res.data);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "svaret"}: ${i.message}`);
  return failure(cls, `Oväntat svar från plattformen (${issues.join("; ")})`);
}

export function classifyHttpFailure(reply: HttpReply, nowMs = Date.now()): FailureResult {
  const message = `HTTP ${reply.status}: ${describeBody(reply)}`;
  const retryAfterSeconds = readRetryAfter(reply, nowMs);
  if (reply.status === 429 || reply.status >= 500 || reply.status === 408) {
    return { ok: false, class: "retry", message, retryAfterSeconds };
  }
  return { ok: false, class: classForStatus(reply.status), message };
}

export function classForStatus(status: number): FailureClass {
  if (status === 429 || status >= 500 || status === 408) return "retry";
  if (status === 401) return "auth";
  if (status === 403) return "rights";
  return "invalid";
}

/** The error fields of Graph, X, LinkedIn, XRPC, Mastodon and Telegram bodies; any may be absent or another type. */
interface ErrorBody {
  error?: { message?: unknown } | string | null;
  detail?: unknown;
  description?: unknown;
  message?: unknown;
  title?: unknown;
  parameters?: { retry_after?: unknown } | null;
}

/** The human part of the error bodies the platforms send (Graph, X, LinkedIn, XRPC, Mastodon, Telegram). */
export function describeBody(reply: HttpReply): string {
  const body = reply.body as ErrorBody | undefined;
  if (body && typeof body === "object") {
    const candidates = [
      typeof body.error === "object" ? body.error?.message : undefined,
      body.detail,
      body.description,
      body.message,
      typeof body.error === "string" ? body.error : undefined,
      body.title,
    ];
    const found = candidates.find((c): c is string => typeof c === "string" && c !== "");
    if (found) return found;
  }
  return reply.text.slice(0, 200) || "(tomt svar)";
}

/**
 * Seconds until the platform wants to hear from us again, from whichever signal it uses:
 * Retry-After (seconds or HTTP date), X's x-rate-limit-reset (epoch s), Mastodon's
 * X-RateLimit-Reset (ISO 8601), Bluesky's RateLimit-Reset (epoch s) or Telegram's retry_after.
 */
export function readRetryAfter(reply: HttpReply, nowMs = Date.now()): number | undefined {
  const body = reply.body && typeof reply.body === "object" ? (reply.body as ErrorBody) : undefined;
  const telegram = body?.parameters?.retry_after;
  if (typeof telegram === "number") return Math.max(0, Math.ceil(telegram));
  const h = reply.headers;
  const retryAfter = h.get("retry-after");
  if (retryAfter) {
    const seconds = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : secondsUntil(Date.parse(retryAfter), nowMs);
    if (seconds !== undefined) return seconds;
  }
  for (const name of ["x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"]) {
    const value = h.get(name);
    if (value) {
      const seconds = parseResetValue(value, nowMs);
      if (seconds !== undefined) return seconds;
    }
  }
  return undefined;
}

function parseResetValue(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    // Epoch seconds are huge; a small number is the IETF draft's delta-seconds.
    return n > 1_000_000_000 ? secondsUntil(n * 1000, nowMs) : Math.ceil(n);
  }
  return secondsUntil(Date.parse(trimmed), nowMs);
}

function secondsUntil(atMs: number, nowMs: number): number | undefined {
  if (!Number.isFinite(atMs)) return undefined;
  return Math.max(0, Math.ceil((atMs - nowMs) / 1000));
}

export function failure(cls: FailureClass, message: string, retryAfterSeconds?: number): FailureResult {
  return retryAfterSeconds === undefined
    ? { ok: false, class: cls, message }
    : { ok: false, class: cls, message, retryAfterSeconds };
}
