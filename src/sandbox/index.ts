// The sandbox: stand-ins for every platform behind one local HTTP server, routed by a path prefix
// (http://127.0.0.1:PORT/facebook/..., /x/..., /mastodon/...). Node only: tests, bench and demo.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { PLATFORMS, type Platform } from "../platforms/types";
import { sandboxAccounts } from "./accounts";
import type { SandboxControl } from "./control";
import { controlRoutes } from "./control-routes";
import { describeSandbox, sandboxApp } from "./describe";
import { createElksStandIn, type ElksStandIn } from "./elks";
import type { SandboxAccount, SandboxClock, SandboxPlatform } from "./platform";
import { createSandboxPlatforms } from "./platforms";
import type { PublicReplyInput, SandboxComment } from "./store";

export type { FailureSpec, HangSpec, SandboxControl } from "./control";
export type { SandboxAccount, SandboxPlatform } from "./platform";
export type { PublicReplyInput, SandboxComment, SandboxPost } from "./store";
export { describeSandbox, sandboxAccounts, sandboxApp };

export interface SandboxOptions {
  /** Clock for token expiry, idempotency windows and rate-limit resets; default the wall clock. */
  now?: () => number;
  /**
   * How Instagram's stand-in fetches image_url, as Meta does before a container is ready. Without
   * it the URL is taken on trust (tests that never serve the image); with it an image that does not
   * load, or is not a JPEG or PNG, leaves the container in ERROR.
   */
  fetchImage?: (url: string) => Promise<Response>;
}

export interface SandboxInstance {
  platforms: Record<Platform, SandboxPlatform>;
  /** The SMS gateway stand-in, at /46elks. */
  elks: ElksStandIn;
  /** Every stand-in under its prefix, plus /_control. Mountable in another Hono app. */
  app: Hono;
  reset(): void;
}

export function createSandbox(options: SandboxOptions = {}): SandboxInstance {
  const clock: SandboxClock = { now: options.now ?? (() => Date.now()) };
  const platforms = createSandboxPlatforms(clock, { fetchImage: options.fetchImage });
  const elks = createElksStandIn({ now: clock.now });
  const sandbox: SandboxInstance = {
    platforms,
    elks,
    app: new Hono(),
    reset: () => {
      for (const platform of PLATFORMS) platforms[platform].reset();
      elks.reset();
    },
  };
  sandbox.app.route("/_control", controlRoutes(sandbox));
  for (const platform of PLATFORMS) sandbox.app.route(`/${platform}`, platforms[platform].app);
  sandbox.app.route("/46elks", elks.app);
  return sandbox;
}

export interface RunningSandbox {
  url: string;
  baseUrlFor(platform: Platform): string;
  state(platform: Platform): ReturnType<SandboxPlatform["store"]["snapshot"]>;
  control(platform: Platform): SandboxControl;
  /** The public replies to one of our posts (see SandboxPlatform.addPublicReply). */
  reply(platform: Platform, input: PublicReplyInput): SandboxComment;
  accounts(): SandboxAccount[];
  describe(): ReturnType<typeof describeSandbox>;
  instance: SandboxInstance;
  reset(): void;
  close(): Promise<void>;
}

export async function startSandbox(
  options: SandboxOptions & { port?: number; host?: string } = {},
): Promise<RunningSandbox> {
  const host = options.host ?? "127.0.0.1";
  const sandbox = createSandbox(options);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const server = serve({ fetch: sandbox.app.fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
  });
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const releaseHangs = () => {
    for (const platform of PLATFORMS) sandbox.platforms[platform].control.releaseHangs();
    sandbox.elks.releaseHangs();
  };
  return {
    url,
    baseUrlFor: (platform) => `${url}/${platform}`,
    state: (platform) => sandbox.platforms[platform].store.snapshot(),
    control: (platform) => sandbox.platforms[platform].control,
    reply: (platform, input) => {
      const added = sandbox.platforms[platform].addPublicReply?.(input);
      if (!added || "error" in added) throw new Error(`${platform}: ${added?.error ?? "no public replies"}`);
      return added;
    },
    accounts: () => sandboxAccounts(url),
    describe: () => describeSandbox(sandbox),
    instance: sandbox,
    reset: () => sandbox.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        releaseHangs();
        const http = server as unknown as { closeAllConnections?: () => void };
        server.close((err) => (err ? reject(err) : resolve()));
        http.closeAllConnections?.();
      }),
  };
}
