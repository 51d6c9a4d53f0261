// Demo accounts the sandbox accepts, one per platform, for the demo and for tests to register.
import { PLATFORMS } from "../platforms/types";
import type { SandboxAccount } from "./platform";
import { createSandboxPlatforms } from "./platforms";

/** Account definitions pointing at a running sandbox (e.g. http://127.0.0.1:8787). */
export function sandboxAccounts(sandboxUrl: string): SandboxAccount[] {
  const base = sandboxUrl.replace(/\/$/, "");
  // The definitions are constants of each stand-in; a throwaway set is the simplest way to read them.
  const platforms = createSandboxPlatforms({ now: () => 0 });
  return PLATFORMS.map((platform) => platforms[platform].account(`${base}/${platform}`));
}
