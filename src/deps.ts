// The one seam: everything a handler or domain function uses comes through Deps, so Node,
// Workers and tests wire the same app differently and nothing is mocked at module level.
import type { Crc32 } from "./archive/crc32";
import type { Hasher } from "./archive/hasher";
import type { MailTransport } from "./channels/mail-transport";
import type { Config } from "./config";
import type { Db } from "./db/client";
import type { DeliveryHandoff } from "./dispatcher/handoff";
import { localisePublicChange } from "./domain/publishing/public-paths-localised";
import { sendDueWebPushes } from "./domain/publishing/push-messages";
import { pushChangedFeeds } from "./domain/publishing/websub-push";
import { sendDueSubscriberMessages } from "./domain/subscribers/outbox";
import type { Log } from "./log";
import type { Platform, PlatformAdapter } from "./platforms/types";
import type { Compressor } from "./render/compressor";
import type { Imaging } from "./render/imaging";
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
  /** Image codecs and the card renderer (WebAssembly; each runtime says where the .wasm lives). */
  imaging: Imaging;
  /** SHA-256 for archive exports (node:crypto on Node; @noble/hashes where none is given). */
  hasher?: Hasher;
  /** The archive zip's CRC-32 (zlib's on Node; JavaScript where none is given). */
  crc32?: Crc32;
  /**
   * Tells the delivery machinery that deliveries are due (wake the loop, or enqueue on Workers).
   * Domain verbs call it themselves after their transaction commits (domain/publishing/after-commit.ts).
   */
  signalDeliveries(deliveryIds: string[]): void;
  /**
   * Set where this process runs the dispatch loop (Node): a publish leases the deliveries it can
   * send at once to the loop in its own transaction and hands them over after the commit, with no
   * claim round in between (dispatcher/handoff.ts). Without it every delivery waits for a claim.
   */
  deliveryHandoff?: DeliveryHandoff;
  /** Called by domain verbs after a committed change the public can see; Workers purges its edge cache here. */
  onPublicChange(paths: string[]): void;
  /** Carries subscriber email: SMTP on Node when KRISKANAL_SMTP_URL is set; none on Workers yet. */
  mail?: MailTransport;
}

export type AppEnv = {
  /** clientAddress: the peer's address as the entry saw it (socket, CF-Connecting-IP); see routes/client-address.ts. */
  Bindings: { deps: Deps; clientAddress?: string };
  Variables: { actor: import("./domain/people/actor").Actor };
};

export interface DepsParts {
  db: Db;
  config: Config;
  secretKey: CryptoKey;
  render: Renderer;
  platforms: Record<Platform, PlatformAdapter>;
  publicCache: PublicCache;
  compressor?: Compressor;
  imaging: Imaging;
  hasher?: Hasher;
  crc32?: Crc32;
  log: Log;
  now?: () => Date;
  fetch?: typeof fetch;
  defer?: (work: Promise<unknown>) => void;
  /** Required: a runtime that could not wake its dispatcher would leave deliveries to the next sweep. */
  signalDeliveries: (ids: string[]) => void;
  /** A runtime's own purge (an edge cache) on top of this process's render cache. */
  onPublicChange?: (paths: string[]) => void;
  mail?: MailTransport;
}

/** Fills in the defaults every runtime shares; each entry overrides what differs. */
export function assembleDeps(parts: DepsParts): Deps {
  const log = parts.log;
  const deps: Deps = {
    ...parts,
    now: parts.now ?? (() => new Date()),
    fetch: parts.fetch ?? ((input, init) => fetch(input, init)),
    defer:
      parts.defer ??
      ((work) => {
        work.catch((error) => log.error("deferred work failed", { error: String(error) }));
      }),
    // This process's own public changes are visible at once, whatever the runtime does on top.
    onPublicChange: (paths) => {
      parts.publicCache.forgetRevision();
      parts.onPublicChange?.(paths);
      // WebSub subscribers of a changed feed get the new document within seconds (websub-push.ts).
      deps.defer(pushChangedFeeds(deps, paths));
      // Email and SMS queued by a publish in its own transaction go out now (subscribers/outbox.ts).
      deps.defer(sendDueSubscriberMessages(deps, `after-commit:${crypto.randomUUID()}`));
      // Browsers subscribed to notifications: a newly published update is fanned out and sent (push-messages.ts).
      deps.defer(sendDueWebPushes(deps, `web-push:${crypto.randomUUID()}`));
      // The same pages in the other offered languages: read which ones after the commit, so the
      // Swedish paths above are purged at once and only a hub offering more pays for the read.
      deps.defer(
        localisePublicChange(deps, paths).then((localised) => {
          if (!localised.length) return;
          parts.onPublicChange?.(localised);
          return pushChangedFeeds(deps, localised);
        }),
      );
    },
  };
  return deps;
}
