// The one seam: everything a handler or domain function uses comes through Deps, so Node,
// Workers and tests wire the same app differently and nothing is mocked at module level.
import type { Config } from "./config";
import type { Db } from "./db/client";
import type { Log } from "./log";
import type { Platform, PlatformAdapter } from "./platforms/types";
import type { Compressor } from "./render/compressor";
import type { PublicCache } from "./render/public-cache";
import type { Renderer } from "./render/renderer";

export interface Deps {
  db: Db;
  now(): Date;
  fetch: typeof fetch;
  /** Runs work after the response (waitUntil on Workers; a tracked promise on Node). */
  defer(work: Promise<unknown>): void;
  log: Log;
  config: Config;
  render: Renderer;
  platforms: Record<Platform, PlatformAdapter>;
  /** AES-GCM key for credentials at rest. */
  secretKey: CryptoKey;
  publicCache: PublicCache;
  /** Compresses public renderings once per change (node:zlib on Node; none on Workers, whose edge compresses). */
  compressor?: Compressor;
  /** Tells the delivery machinery that deliveries are due (wake the loop, or enqueue on Workers). */
  signalDeliveries(deliveryIds: string[]): void;
  /** Called after a change the public can see; Workers purges its edge cache here. */
  onPublicChange?(paths: string[]): void;
}

export type AppEnv = { Bindings: { deps: Deps }; Variables: { actor: import("./domain/actor").Actor } };

export interface DepsParts {
  db: Db;
  config: Config;
  secretKey: CryptoKey;
  render: Renderer;
  platforms: Record<Platform, PlatformAdapter>;
  publicCache: PublicCache;
  compressor?: Compressor;
  log: Log;
  now?: () => Date;
  fetch?: typeof fetch;
  defer?: (work: Promise<unknown>) => void;
  signalDeliveries?: (ids: string[]) => void;
  onPublicChange?: (paths: string[]) => void;
}

/** Fills in the defaults every runtime shares; each entry overrides what differs. */
export function assembleDeps(parts: DepsParts): Deps {
  const log = parts.log;
  return {
    ...parts,
    now: parts.now ?? (() => new Date()),
    fetch: parts.fetch ?? ((input, init) => fetch(input, init)),
    defer:
      parts.defer ??
      ((work) => {
        work.catch((error) => log.error("deferred work failed", { error: String(error) }));
      }),
    signalDeliveries: parts.signalDeliveries ?? (() => {}),
    // This process's own public changes are visible at once, whatever the runtime does on top.
    onPublicChange: (paths) => {
      parts.publicCache.forgetRevision();
      parts.onPublicChange?.(paths);
    },
  };
}
