// Failure injection for one stand-in platform: latency, scripted failures, hangs, and the token
// and rights switches. Tests flip these in-process or over HTTP under /_control.
import type { MiddlewareHandler } from "hono";
import type { PostStore } from "./store";

const DEFAULT_RETRY_AFTER_SECONDS = 30;

export interface FailureSpec {
  status: number;
  /** How many requests fail; default 1. */
  times?: number;
  /** Body to send; default is the platform's own error body for that status. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Drives the platform's rate-limit signal (Retry-After, x-rate-limit-reset, retry_after ...). */
  retryAfterSeconds?: number;
  /** Only requests whose path contains this string are affected. */
  match?: string;
}

export interface HangSpec {
  times?: number;
  /** Handle the request (the post is stored) and then never answer: the "maybe sent" case. */
  afterHandling?: boolean;
  match?: string;
}

interface Pending<T> {
  spec: T;
  remaining: number;
}

export type TokenState = "ok" | "revoked" | "expired";

export class SandboxControl {
  latencyMs = 0;
  revoked = false;
  /** Publishing rights withdrawn: the platform's permission error, and rights checks fail. */
  restricted = false;
  /** Tokens issued in an earlier epoch are expired; expireTokens() starts a new one. */
  tokenEpoch = 0;
  settings: Record<string, unknown> = {};
  private failures: Pending<FailureSpec>[] = [];
  private hangs: Pending<HangSpec>[] = [];
  private waiting = new Set<() => void>();

  failNext(spec: FailureSpec): this {
    this.failures.push({ spec, remaining: spec.times ?? 1 });
    return this;
  }

  setLatency(ms: number): this {
    this.latencyMs = Math.max(0, ms);
    return this;
  }

  hang(spec: HangSpec = {}): this {
    this.hangs.push({ spec, remaining: spec.times ?? 1 });
    return this;
  }

  revoke(revoked = true): this {
    this.revoked = revoked;
    return this;
  }

  restrict(restricted = true): this {
    this.restricted = restricted;
    return this;
  }

  expireTokens(): this {
    this.tokenEpoch++;
    return this;
  }

  configure(settings: Record<string, unknown>): this {
    Object.assign(this.settings, settings);
    return this;
  }

  setting<T>(key: string, fallback: T): T {
    return (this.settings[key] as T | undefined) ?? fallback;
  }

  tokenState(issuedInEpoch = 0): TokenState {
    if (this.revoked) return "revoked";
    return issuedInEpoch < this.tokenEpoch ? "expired" : "ok";
  }

  reset(): void {
    this.latencyMs = 0;
    this.revoked = false;
    this.restricted = false;
    this.tokenEpoch = 0;
    this.settings = {};
    this.failures = [];
    this.hangs = [];
    this.releaseHangs();
  }

  /** Lets every hanging request finish (their clients are long gone); used by reset and close. */
  releaseHangs(): void {
    for (const release of this.waiting) release();
    this.waiting.clear();
  }

  describe() {
    return {
      latencyMs: this.latencyMs,
      revoked: this.revoked,
      restricted: this.restricted,
      tokenEpoch: this.tokenEpoch,
      settings: this.settings,
      pendingFailures: this.failures.map((f) => ({ ...f.spec, remaining: f.remaining })),
      pendingHangs: this.hangs.map((h) => ({ ...h.spec, remaining: h.remaining })),
      hangingRequests: this.waiting.size,
    };
  }

  takeFailure(path: string): FailureSpec | undefined {
    return take(this.failures, path);
  }

  takeHang(path: string): HangSpec | undefined {
    return take(this.hangs, path);
  }

  waitForRelease(): Promise<void> {
    return new Promise((resolve) => this.waiting.add(resolve));
  }
}

function take<T extends { match?: string }>(queue: Pending<T>[], path: string): T | undefined {
  const index = queue.findIndex((p) => !p.spec.match || path.includes(p.spec.match));
  if (index < 0) return undefined;
  const pending = queue[index];
  pending.remaining--;
  if (pending.remaining <= 0) queue.splice(index, 1);
  return pending.spec;
}

export function retryAfterOf(spec: FailureSpec): number {
  return spec.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
}

export interface RenderedFailure {
  body: unknown;
  headers?: Record<string, string>;
}

/** Applies the switches before the platform's own routes see the request. */
export function applyControl(
  control: SandboxControl,
  store: PostStore,
  renderFailure: (spec: FailureSpec) => RenderedFailure,
): MiddlewareHandler {
  return async (c, next) => {
    const path = new URL(c.req.url).pathname;
    store.recordRequest(c.req.method, path);
    if (control.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, control.latencyMs));
    const hang = control.takeHang(path);
    if (hang && !hang.afterHandling) {
      await control.waitForRelease();
      return c.body(null, 503);
    }
    const failure = control.takeFailure(path);
    if (failure) {
      const rendered = failure.body === undefined ? renderFailure(failure) : { body: failure.body };
      const headers = { ...rendered.headers, ...failure.headers };
      return c.json(rendered.body as object, failure.status as 400, headers);
    }
    await next();
    if (hang?.afterHandling) await control.waitForRelease();
  };
}
