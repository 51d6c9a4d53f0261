// What a verb owes the world once its transaction has committed: a wake-up for the deliveries
// it queued and a purge of the public pages it changed (Deps.onPublicChange, which also pushes
// each changed feed to its WebSub subscribers: see deps.ts and websub-push.ts). Verbs call this themselves, after
// `db.transaction(...)` resolves, so no route, queue consumer or script that calls a verb can
// forget it, and a transaction that fails (throws) signals nothing.
import type { Deps } from "../../deps";

export type CommitSignalDeps = Pick<Deps, "signalDeliveries" | "onPublicChange">;

export interface CommittedChange {
  /** Outbox rows written by the transaction, due now. */
  deliveries?: readonly { id: string }[];
  /** Public pages and feeds the transaction made stale (see public-paths.ts). */
  publicPaths?: readonly string[];
}

export function signalCommittedChange(deps: CommitSignalDeps, change: CommittedChange): void {
  const ids = (change.deliveries ?? []).map((d) => d.id);
  if (ids.length) deps.signalDeliveries(ids);
  if (change.publicPaths?.length) deps.onPublicChange([...change.publicPaths]);
}
