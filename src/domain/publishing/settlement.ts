// How a delivery in doubt was settled: which lookups ran, when, and what they answered, and
// whether a person looked at the channel. Kept on the delivery (deliveries.settlement) so the
// board and the API can show a person exactly what the hub checked before asking them.

/** What one check answered. */
export type CheckAnswer =
  /** The lookup found the post: it had landed. */
  | "found"
  /** The lookup asked and the post was not among the recent ones. */
  | "absent"
  /** The lookup read every post since the delivery was made, and the post was not among them. */
  | "absent_since"
  /** The platform could not be asked (network error, 5xx, 429, another shape). */
  | "unknown"
  /** There is no way to ask this platform (Telegram), or to tell this post from another. */
  | "no_lookup"
  /** A person looked at the channel, found nothing, and asked for another try. */
  | "confirmed_absent";

export interface SettlementCheck {
  /** ISO time of the check. */
  at: string;
  /** What was asked: the lookup ("X: de senaste 100 inläggen") or the person's name. */
  by: string;
  answer: CheckAnswer;
  detail?: string;
}

export interface Settlement {
  checks: SettlementCheck[];
  /**
   * A person confirmed the post is missing since the last attempt that may have landed. The next
   * attempt still runs the lookup first; only when that does not find the post is it sent.
   */
  confirmedAbsent?: { by: string; at: string };
}

/** Enough to see a pattern; an unbounded list would grow with every lookup retry. */
const MAX_CHECKS = 30;

export const CHECK_ANSWER_LABEL: Record<CheckAnswer, string> = {
  found: "hittade inlägget",
  absent: "inlägget fanns inte bland de senaste",
  absent_since: "inlägget fanns inte bland kontots inlägg sedan leveransen skapades",
  unknown: "gick inte att fråga",
  no_lookup: "går inte att söka",
  confirmed_absent: "kontrollerade kanalen: inlägget saknas",
};

export function withCheck(settlement: Settlement | null | undefined, check: SettlementCheck): Settlement {
  const checks = [...(settlement?.checks ?? []), check].slice(-MAX_CHECKS);
  return { ...settlement, checks };
}

/** The person's confirmation is used up once an attempt has been sent (or the post was found). */
export function withoutConfirmation(settlement: Settlement): Settlement {
  const { confirmedAbsent: _, ...rest } = settlement;
  return rest;
}

/** Lookups in a row, from the latest back, that could not ask the platform. */
export function unknownsInARow(settlement: Settlement | null | undefined): number {
  let count = 0;
  for (const check of [...(settlement?.checks ?? [])].reverse()) {
    if (check.answer !== "unknown") break;
    count++;
  }
  return count;
}
