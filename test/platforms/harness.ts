// A running sandbox plus adapters wired to it, the way the dispatcher wires them. Requests get a
// generous timeout (a loaded CI machine is slow); tests that make the sandbox hang ask for a short one.
import { createPlatforms } from "../../src/platforms";
import { createSend } from "../../src/platforms/http";
import type { AdapterContext, Platform, PostContent } from "../../src/platforms/types";
import { type RunningSandbox, startSandbox } from "../../src/sandbox";
import { must } from "../helpers/must";

export const TIMEOUT_MS = 10_000;
export const HANG_TIMEOUT_MS = 300;
export const NOW = new Date("2026-03-01T10:00:00.000Z");

export interface Harness {
  sandbox: RunningSandbox;
  platforms: ReturnType<typeof createPlatforms>;
  ctx(platform: Platform, timeoutMs?: number): AdapterContext;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const sandbox = await startSandbox();
  const platforms = createPlatforms({ sleep: async () => {} });
  return {
    sandbox,
    platforms,
    ctx(platform, timeoutMs = TIMEOUT_MS) {
      const account = must(
        sandbox.accounts().find((a) => a.platform === platform),
        `a sandbox account on ${platform}`,
      );
      return {
        account: {
          id: `acc-${platform}`,
          platform,
          handle: account.handle,
          baseUrl: account.baseUrl,
          options: account.options,
        },
        credential: { ...account.credential },
        send: createSend(fetch, timeoutMs),
        now: () => NOW,
      };
    },
    close: () => sandbox.close(),
  };
}

let serial = 0;

/** A 1×1 PNG: adapters that upload images get bytes, as the dispatcher hands them over for uploads. */
export const TINY_PNG = new Uint8Array(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  ),
);

/** An image as the dispatcher hands over an upload: its public URL, alt text and the file itself. */
export const IMAGE = {
  url: "https://www.exempelkommun.se/bilder/vattenlacka.png",
  alt: "Grävmaskin vid läckan",
  bytes: TINY_PNG,
  type: "image/png",
};

/** A fresh update each call, so texts (and links) never collide by accident. Text only unless given an image. */
export function update(overrides: Partial<PostContent> = {}): PostContent {
  serial++;
  return {
    body: `Vattenläckan på Storgatan är lagad. Vattnet är åter påslaget i hela området (${serial}).`,
    link: `https://www.exempelkommun.se/kris/vattenlacka/uppdatering-${serial}`,
    title: "Vattenläcka på Storgatan",
    kind: "update",
    ...overrides,
  };
}

export function key(): string {
  return `delivery-${++serial}`;
}
