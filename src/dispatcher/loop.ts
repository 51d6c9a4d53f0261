// The dispatcher as a long-running loop (Node): woken right after a publish, and on an interval
// as the safety net for retries and crashed peers. Deliveries run concurrently and are claimed
// again as soon as one finishes, so the next update for an account follows without waiting for
// the interval, and a platform that hangs only holds its own account's queue. A publish in this
// process hands over what it leased to the loop in its own transaction (handoff.ts), which is sent
// at once, with no claim round.
import { type Claimed, claimDueDeliveries, DEFAULT_LEASE_MS } from "./claim";
import type { DispatchDeps, DispatchOptions } from "./dispatch";
import { type DeliveryHandoff, releaseLeases } from "./handoff";
import { withLeaseHeartbeat } from "./heartbeat";
import { type Job, type KnownRows, loadJobs } from "./jobs";
import { createRecorder } from "./record";
import { runJob } from "./run";

export interface DispatchLoopOptions extends Partial<DispatchOptions> {
  intervalMs: number;
  /** Deliveries in flight at once. */
  maxInFlight?: number;
}

export interface DispatchLoop {
  /** Something is due now (a publish, an edit, a manual retry). */
  wake(): void;
  /** For Deps.deliveryHandoff: rows a publish leased to this loop, sent without a claim. */
  handoff: DeliveryHandoff;
  /** Stops claiming, lets running deliveries finish and records them. */
  stop(): Promise<void>;
}

const DEFAULT_MAX_IN_FLIGHT = 200;

export function startDispatchLoop(deps: DispatchDeps, options: DispatchLoopOptions): DispatchLoop {
  const owner = options.owner ?? `loop-${crypto.randomUUID()}`;
  const settings = { ...options, owner };
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const inFlight = new Set<Promise<void>>();
  // Handed-over rows whose jobs are being loaded (or given back).
  const handing = new Set<Promise<unknown>>();
  let stopped = false;
  let claiming: Promise<void> | null = null;
  let again = false;

  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const recorder = createRecorder(deps, owner, () => wake());
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retryAtMs = Number.POSITIVE_INFINITY;

  /** A retry due before the next interval tick gets its own wake, so a 1 s backoff is 1 s. */
  function wakeAt(at: Date): void {
    const atMs = at.getTime();
    if (stopped || atMs >= retryAtMs) return;
    const delay = atMs - deps.now().getTime();
    if (delay >= options.intervalMs) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryAtMs = atMs;
    retryTimer = setTimeout(
      () => {
        retryTimer = null;
        retryAtMs = Number.POSITIVE_INFINITY;
        wake();
      },
      Math.max(0, delay),
    );
  }

  async function claimAndStart(): Promise<void> {
    do {
      again = false;
      const room = maxInFlight - inFlight.size;
      if (room <= 0 || stopped) return;
      // Phase boundaries for a trace (the fan-out bench stamps them); nothing is logged above debug.
      deps.log.debug("dispatch: claiming", { count: room });
      const claimed = await claimDueDeliveries(deps, owner, {
        limit: room,
        leaseMs,
      });
      deps.log.debug("dispatch: claimed", { count: claimed.length });
      if (!claimed.length) continue;
      launch(await loadJobs(deps.db, claimed));
    } while (again && !stopped);
  }

  /** Starts each job; they count as in flight from here on. */
  function launch(jobs: Job[]): void {
    deps.log.debug("dispatch: jobs loaded", { count: jobs.length });
    recorder.expect(jobs.length);
    for (const job of jobs) {
      const lease = { owner, deliveryIds: [job.delivery.id], leaseMs, everyMs: options.heartbeatMs };
      const work: Promise<void> = withLeaseHeartbeat(deps, lease, () => runJob(deps, job, settings))
        .then((outcome) => {
          if (outcome.nextAttemptAt) wakeAt(outcome.nextAttemptAt);
          return recorder.add(outcome);
        })
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    }
  }

  /** Rows a publish leased to us and committed: nothing has been sent, so what we cannot start goes back. */
  function take(claimed: Claimed[], known?: KnownRows): void {
    if (!claimed.length) return;
    deps.log.debug("dispatch: handed over", { count: claimed.length });
    const ids = claimed.map((c) => c.delivery.id);
    const giveBack = (why: string, error?: unknown) =>
      releaseLeases(deps.db, owner, ids)
        .then((released) =>
          deps.log.warn(`handed-over deliveries given back: ${why}`, { released, error: String(error ?? "") }),
        )
        // Still leased to us: once the lease runs out another claim takes them and looks first.
        .catch((e) => deps.log.error("could not give back handed-over deliveries", { error: String(e) }));
    if (stopped) {
      handing.add(giveBack("the dispatch loop has stopped"));
      return;
    }
    // Only a failed load gives the rows back: once launched, they are being sent.
    const work: Promise<void> = loadJobs(deps.db, claimed, known)
      .then(launch, (error) => giveBack("their jobs could not be loaded", error))
      .finally(() => handing.delete(work));
    handing.add(work);
  }

  function wake(): void {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = claimAndStart()
      .catch((error) => deps.log.error("dispatch loop could not claim deliveries", { error: String(error) }))
      .finally(() => {
        claiming = null;
        // A wake that came in after the last look must not be lost.
        if (again) wake();
      });
  }

  const timer = setInterval(wake, options.intervalMs);
  wake();

  return {
    wake,
    handoff: { owner, leaseMs, limit: maxInFlight, take },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (retryTimer) clearTimeout(retryTimer);
      await claiming;
      // Loading handed-over jobs adds to inFlight: wait for those, then for everything they started.
      while (handing.size || inFlight.size) await Promise.allSettled([...handing, ...inFlight]);
      await recorder.drain();
    },
  };
}
