// At start-up the database may not be up yet (a container starting beside the hub, a failover):
// the hub waits for it, saying so, instead of exiting and leaving the website dark. A refusal
// that waiting cannot fix (a wrong password, a bad URL) still ends the start at once.
import type { Log } from "../log";
import { isDatabaseUnavailable } from "./unavailable";

export const FIRST_WAIT_MS = 1_000;
export const LONGEST_WAIT_MS = 30_000;

export async function waitForDatabase<T>(
  open: () => Promise<T>,
  log: Log,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  let waitMs = FIRST_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const opened = await open();
      if (attempt > 1) log.info("the database answers; starting", { attempts: attempt });
      return opened;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      log.warn("waiting for the database", { attempt, retryInSeconds: waitMs / 1000, error: String(error) });
      await sleep(waitMs);
      waitMs = Math.min(LONGEST_WAIT_MS, waitMs * 2);
    }
  }
}
