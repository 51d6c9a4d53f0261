// Every platform the hub can publish to. An exhaustive Record, so a platform added to PLATFORMS
// does not compile until it has an adapter; a factory, so per-process caches (Bluesky sessions)
// belong to one hub instance rather than to the module.
import { createBlueskyAdapter } from "./bluesky";
import { type AdapterEnvironment, systemEnvironment } from "./environment";
import { createFacebookAdapter } from "./facebook";
import { createInstagramAdapter } from "./instagram";
import { createLinkedInAdapter } from "./linkedin";
import { createMastodonAdapter } from "./mastodon";
import { createTelegramAdapter } from "./telegram";
import { createThreadsAdapter } from "./threads";
import type { Platform, PlatformAdapter } from "./types";
import { createXAdapter } from "./x";

export type { AdapterEnvironment } from "./environment";
export { createSend } from "./http";

export function createPlatforms(environment: Partial<AdapterEnvironment> = {}): Record<Platform, PlatformAdapter> {
  const env: AdapterEnvironment = { ...systemEnvironment, ...environment };
  return {
    facebook: createFacebookAdapter(),
    instagram: createInstagramAdapter(env),
    x: createXAdapter(),
    linkedin: createLinkedInAdapter(),
    mastodon: createMastodonAdapter(env),
    bluesky: createBlueskyAdapter(),
    threads: createThreadsAdapter(),
    telegram: createTelegramAdapter(),
  };
}
