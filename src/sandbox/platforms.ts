// All stand-in platforms, one per Platform; the Record fails to compile when one is missing.
import type { Platform } from "../platforms/types";
import { createBlueskySandbox } from "./bluesky";
import { createFacebookSandbox } from "./facebook";
import { createInstagramSandbox } from "./instagram";
import { createLinkedInSandbox } from "./linkedin";
import { createMastodonSandbox } from "./mastodon";
import type { SandboxClock, SandboxPlatform } from "./platform";
import { createTelegramSandbox } from "./telegram";
import { createThreadsSandbox } from "./threads";
import { createXSandbox } from "./x";

export function createSandboxPlatforms(
  clock: SandboxClock,
  options: { fetchImage?: (url: string) => Promise<Response> } = {},
): Record<Platform, SandboxPlatform> {
  return {
    facebook: createFacebookSandbox(clock),
    instagram: createInstagramSandbox(clock, options.fetchImage),
    x: createXSandbox(clock),
    linkedin: createLinkedInSandbox(clock),
    mastodon: createMastodonSandbox(clock),
    bluesky: createBlueskySandbox(clock),
    threads: createThreadsSandbox(clock),
    telegram: createTelegramSandbox(clock),
  };
}
