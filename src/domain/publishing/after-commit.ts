// What a verb owes the world once its transaction has committed: a wake-up for the deliveries
// it queued and a purge of the public pages it changed (Deps.onPublicChange, which also pushes
// each changed feed to its WebSub subscribers: see deps.ts and websub-push.ts). Verbs call this themselves, after
// `db.transaction(...)` resolves, so no route, queue consumer or script that calls a verb can
// forget it, and a transaction that fails (throws) signals nothing.
import type { Deps } from "../../deps";
import type { Claimed } from "../../dispatcher/claim";
import type { DeliveryHandoff } from "../../dispatcher/handoff";
import type { KnownRows } from "../../dispatcher/jobs";

export type CommitSignalDeps = Pick<Deps, "signalDeliveries" | "onPublicChange">;

export interface CommittedChange {
  /** Outbox rows written by the transaction, due now. */
  deliveries?: readonly { id: string }[];
  /** Of those, the ones the transaction leased to this process's loop (dispatcher/handoff.ts): sent without a claim. */
  handedOver?: { to: DeliveryHandoff; claimed: readonly Claimed[]; known?: KnownRows };
  /** Public pages and feeds the transaction made stale (see public-paths.ts). */
  publicPaths?: readonly string[];
}

export function signalCommittedChange(deps: CommitSignalDeps, change: CommittedChange): void {
  const handed = change.handedOver;
  const leased = new Set((handed?.claimed ?? []).map((c) => c.delivery.id));
  // First, so the handed-over rows are on their way before anything else after the commit runs.
  if (handed && leased.size) handed.to.take([...handed.claimed], handed.known);
  // The rest wait for a claim; a wake for rows already handed over would only claim nothing.
  const ids = (change.deliveries ?? []).map((d) => d.id).filter((id) => !leased.has(id));
  if (ids.length) deps.signalDeliveries(ids);
  if (change.publicPaths?.length) deps.onPublicChange([...change.publicPaths]);
}
