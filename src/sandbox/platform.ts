// The shape every stand-in platform has, and the parts they share: one Hono app with the
// switches in front, a store, and the demo account it accepts.
import type { Context } from "hono";
import { Hono } from "hono";
import type { Platform } from "../platforms/types";
import { applyControl, type FailureSpec, type RenderedFailure, SandboxControl } from "./control";
import { PostStore, type PublicReplyInput, type SandboxComment } from "./store";

export interface SandboxAccount {
  platform: Platform;
  handle: string;
  baseUrl: string;
  options: Record<string, string>;
  credential: Record<string, string>;
}

export interface SandboxPlatform {
  platform: Platform;
  app: Hono;
  control: SandboxControl;
  store: PostStore;
  account(baseUrl: string): SandboxAccount;
  /** Clears posts, switches and platform state (sessions, idempotency keys, counters). */
  reset(): void;
  /**
   * Plays the public: a reply, mention or quote to one of our posts, with the platform's own ids
   * and threading, so the inbox has something to collect. Absent where the platform gives us nothing.
   */
  addPublicReply?(input: PublicReplyInput): SandboxComment | { error: string };
}

export const DEFAULT_PUBLIC_AUTHOR = "medborgare";

export interface SandboxClock {
  now(): number;
}

export interface PlatformParts {
  app: Hono;
  control: SandboxControl;
  store: PostStore;
}

export function createPlatformParts(
  clock: SandboxClock,
  renderFailure: (spec: FailureSpec) => RenderedFailure,
): PlatformParts {
  const control = new SandboxControl();
  const store = new PostStore(clock.now);
  const app = new Hono();
  app.use("*", applyControl(control, store, renderFailure));
  return { app, control, store };
}

/** The value at a path inside a parsed body, or undefined where the path leaves the objects. */
export function readField(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

/** A parameter as a string, as the platform would read it; undefined when it was not sent. */
export function readString(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** Query string, JSON body and form body merged, as the real APIs accept parameters in any of them. */
export async function readParams(c: Context): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = { ...c.req.query() };
  if (c.req.method === "GET" || c.req.method === "HEAD") return params;
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/json")) {
    const body = await c.req.json().catch(() => undefined);
    if (body && typeof body === "object") Object.assign(params, body);
  } else if (type.includes("form")) {
    Object.assign(params, await c.req.parseBody());
  }
  return params;
}

export function bearerToken(c: Context): string | undefined {
  const header = c.req.header("authorization");
  return header?.match(/^Bearer\s+(.+)$/i)?.[1];
}

export function createCounter(start: bigint) {
  let next = start;
  return {
    next: () => String(next++),
    reset: () => {
      next = start;
    },
  };
}
