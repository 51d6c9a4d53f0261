// What became of one attempt, before it is written down. Plain data, so a batch of outcomes can
// be recorded in one transaction.
import type { DeliveryStatus } from "../db/schema";
import type { Settlement } from "../domain/publishing/settlement";
import type { FailureClass } from "../platforms/types";
import type { Job } from "./jobs";

export interface Outcome {
  job: Job;
  status: DeliveryStatus;
  remoteId?: string;
  remoteUrl?: string;
  failureClass: FailureClass | null;
  message: string | null;
  sentText?: string;
  /** Set when status is pending again (a retry is scheduled). */
  nextAttemptAt?: Date;
  /** Failed sends that set the backoff, counting this one; left as it is when undefined. */
  backoffFailures?: number;
  /** The public pages link to the copy, so they must be rendered anew. */
  publicChange: boolean;
  /**
   * The platform itself refused the credential or the rights: the account is flagged as failing,
   * so its later deliveries fail at once instead of being sent and retried.
   */
  rightsFailure?: { class: "auth" | "rights"; detail: string };
  /** What was checked about an attempt in doubt; left as it is when undefined. */
  settlement?: Settlement;
  /** The claim did no work (it only waited for something else), so it does not count as an attempt. */
  notAnAttempt?: boolean;
  /** The language of the text this attempt carried; the delivery's own when undefined. */
  language?: string;
}

export function finished(
  job: Job,
  status: Exclude<DeliveryStatus, "pending" | "sending">,
  message: string | null,
  extra: Partial<
    Pick<Outcome, "failureClass" | "sentText" | "remoteId" | "remoteUrl" | "publicChange" | "settlement">
  > = {},
): Outcome {
  return { job, status, message, failureClass: null, publicChange: false, ...extra };
}
