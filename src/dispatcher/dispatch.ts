// The dispatcher: claim -> adapter -> record. dispatchDue works off whatever is due (the Node
// loop, a cron trigger, a test); dispatchDelivery handles one row by id (a Workers queue consumer).
// Each claimed delivery runs on its own, so one slow or failing platform holds back no other.
import type { Deps } from "../deps";
import { type ClaimOptions, claimDueDeliveries, DEFAULT_LEASE_MS } from "./claim";
import { withLeaseHeartbeat } from "./heartbeat";
import { loadJobs } from "./jobs";
import { createRecorder } from "./record";
import { type RunOptions, runJob } from "./run";

export type DispatchDeps = Pick<
  Deps,
  "db" | "now" | "log" | "platforms" | "secretKey" | "fetch" | "config" | "onPublicChange"
>;

export interface DispatchOptions extends RunOptions {
  /** Names this dispatcher in leases; unique per process or invocation. */
  owner: string;
  /** Most rows claimed at once. */
  limit?: number;
  leaseMs?: number;
  /** How often a running attempt renews its lease (a quarter of the lease unless set). */
  heartbeatMs?: number;
}

export interface DispatchReport {
  claimed: number;
  results: { id: string; kind: string; status: string; failureClass: string | null }[];
}

export const DEFAULT_CLAIM_LIMIT = 200;

export async function dispatchDue(deps: DispatchDeps, options: DispatchOptions): Promise<DispatchReport> {
  return dispatchClaimed(deps, options, { limit: options.limit ?? DEFAULT_CLAIM_LIMIT, leaseMs: options.leaseMs });
}

/**
 * Sends one delivery if it is due. Nothing happens when it is not (already done, waiting for a
 * retry, or behind an earlier delivery to the same account): the sweep picks it up in order.
 */
export async function dispatchDelivery(
  deps: DispatchDeps,
  deliveryId: string,
  owner: string,
  options: Omit<DispatchOptions, "owner"> = {},
): Promise<DispatchReport> {
  return dispatchClaimed(deps, { ...options, owner }, { limit: 1, ids: [deliveryId], leaseMs: options.leaseMs });
}

async function dispatchClaimed(
  deps: DispatchDeps,
  options: DispatchOptions,
  claim: ClaimOptions,
): Promise<DispatchReport> {
  const claimed = await claimDueDeliveries(deps, options.owner, claim);
  if (!claimed.length) return { claimed: 0, results: [] };
  const jobs = await loadJobs(deps.db, claimed);
  const recorder = createRecorder(deps, options.owner);
  recorder.expect(jobs.length);
  const outcomes = await Promise.all(
    jobs.map(async (job) => {
      const lease = {
        owner: options.owner,
        deliveryIds: [job.delivery.id],
        leaseMs: claim.leaseMs ?? DEFAULT_LEASE_MS,
      };
      const outcome = await withLeaseHeartbeat(deps, { ...lease, everyMs: options.heartbeatMs }, () =>
        runJob(deps, job, options),
      );
      await recorder.add(outcome);
      return outcome;
    }),
  );
  await recorder.drain();
  return {
    claimed: claimed.length,
    results: outcomes.map((o) => ({
      id: o.job.delivery.id,
      kind: o.job.delivery.kind,
      status: o.status,
      failureClass: o.failureClass,
    })),
  };
}
