// Settling an attempt that may have landed: ask the platform (findByLink), write down what was
// asked and what it answered, and decide. A lookup that could not ask is asked again with backoff
// before a person is troubled; a person is asked only when the hub cannot find out on its own.
import {
  type Settlement,
  type SettlementCheck,
  unknownsInARow,
  withCheck,
  withoutConfirmation,
} from "../domain/publishing/settlement";
import type { AdapterContext, Platform, PlatformAdapter } from "../platforms/types";
import { retryDelayMs } from "./backoff";
import type { Job } from "./jobs";

/**
 * Lookups that could not ask the platform, in a row, before a person is asked. With the
 * dispatcher's backoff (1 s doubling, jittered) the last one runs about 8 to 17 minutes after
 * the first: long enough for a platform blip or a short outage to pass.
 */
export const LOOKUP_ATTEMPTS = 10;

/**
 * A complete "not there" (every post since the delivery was made was read) is proof only when a
 * second one, this long after the first, agrees: by then a request the hub gave up on has either
 * been stored by the platform, and shows in its list, or never will be.
 */
export const SECOND_LOOK_MS = 20_000;
const PROVEN_ABSENT = "saknas också vid andra kontrollen: skickas igen";
/** Platform clocks and ours may differ: the lookup reads back this much before the delivery was made. */
const CLOCK_MARGIN_MS = 120_000;

/** What each platform's findByLink reads, in the words the board shows. */
const LOOKUP_NAMES: Record<Platform, string> = {
  facebook: "Facebook: sidans 25 senaste inlägg (GET /{page}/feed)",
  instagram: "Instagram: kontots 25 senaste inlägg (GET /{ig-user}/media)",
  x: "X: kontots 20 senaste inlägg (GET /2/users/{id}/tweets)",
  linkedin: "LinkedIn: organisationens 20 senaste inlägg (GET /rest/posts?q=author)",
  mastodon: "Mastodon: kontots 20 senaste inlägg (GET /api/v1/accounts/{id}/statuses)",
  bluesky: "Bluesky: kontots 30 senaste poster (com.atproto.repo.listRecords)",
  threads: "Threads: kontots 25 senaste inlägg (GET /{user}/threads)",
  telegram: "Telegram",
};

export function lookupName(platform: Platform): string {
  return LOOKUP_NAMES[platform];
}

export type Settled =
  /** The earlier attempt landed: this is the post. */
  | { kind: "found"; remoteId: string; remoteUrl: string; settlement: Settlement }
  /** Sending (again) is safe: nothing was found and a person or the idempotency key vouches for it. */
  | { kind: "send"; settlement: Settlement }
  /** The platform could not be asked (`unknown`), or said "not there" once (`second_look`): ask again at `at`. */
  | { kind: "wait"; at: Date; reason: string; settlement: Settlement; tries: number; why: "unknown" | "second_look" }
  /** The hub cannot find out on its own: a person has to look. */
  | { kind: "ask"; settlement: Settlement; why: "absent" | "unknown" | "no_lookup" };

export interface SettleInput {
  job: Job;
  adapter: PlatformAdapter;
  ctx: AdapterContext;
  link: string;
  /** When the post in doubt was first asked for (its delivery was made): it cannot be older. */
  since: Date;
  now: Date;
  /** The platform honours an idempotency key for this call: a resend cannot post twice. */
  resendSafe: boolean;
  random?: () => number;
}

export async function settleEarlierAttempt(input: SettleInput): Promise<Settled> {
  const { job, adapter, now } = input;
  const vouched = input.resendSafe || Boolean(job.delivery.settlement?.confirmedAbsent);
  const base = job.delivery.settlement;
  const check = (answer: SettlementCheck["answer"], detail?: string): SettlementCheck => ({
    at: now.toISOString(),
    by: lookupName(adapter.platform),
    answer,
    ...(detail ? { detail } : {}),
  });

  if (!adapter.findByLink) {
    const detail = `${adapter.platform} har inget sätt att söka bland inläggen`;
    return settleWithoutLookup(job, adapter.platform, now, detail, input.resendSafe);
  }
  const lookup = await adapter.findByLink(input.ctx, input.link, new Date(input.since.getTime() - CLOCK_MARGIN_MS));
  if (lookup.state === "found") {
    const settlement = withoutConfirmation(withCheck(base, check("found", lookup.remoteUrl)));
    return { kind: "found", remoteId: lookup.remoteId, remoteUrl: lookup.remoteUrl, settlement };
  }
  if (lookup.state === "absent" && lookup.complete && !vouched) {
    const firstLook = firstLookAt(base);
    if (now.getTime() - firstLook >= SECOND_LOOK_MS) {
      return { kind: "send", settlement: withCheck(base, check("absent_since", PROVEN_ABSENT)) };
    }
    const settlement = withCheck(base, check("absent_since"));
    const at = new Date(now.getTime() + SECOND_LOOK_MS);
    return { kind: "wait", at, reason: "inte där; tittar igen", settlement, tries: 1, why: "second_look" };
  }
  if (lookup.state === "absent") {
    const settlement = withCheck(base, check(lookup.complete ? "absent_since" : "absent"));
    return vouched
      ? { kind: "send", settlement: withoutConfirmation(settlement) }
      : { kind: "ask", settlement, why: "absent" };
  }
  const settlement = withCheck(base, check("unknown", lookup.reason));
  // The key makes the resend safe whatever the lookup could not say.
  if (input.resendSafe) return { kind: "send", settlement: withoutConfirmation(settlement) };
  const tries = unknownsInARow(settlement);
  if (tries < LOOKUP_ATTEMPTS) {
    // A rate-limited lookup asks again when the platform said, never sooner.
    const at = new Date(now.getTime() + retryDelayMs(tries, lookup.retryAfterSeconds, input.random));
    return { kind: "wait", at, reason: lookup.reason, settlement, tries, why: "unknown" };
  }
  // A person already looked and found nothing; the lookup never got an answer: their word stands.
  if (vouched) return { kind: "send", settlement: withoutConfirmation(settlement) };
  return { kind: "ask", settlement, why: "unknown" };
}

/**
 * When this doubt's first complete "not there" was seen, or NaN. Lookups that could not ask since
 * then do not undo it: a second look that met a 503 is asked again, not started over for another
 * 20 s. A look that already decided a resend belongs to an earlier doubt.
 */
function firstLookAt(settlement: Settlement | null | undefined): number {
  for (const check of [...(settlement?.checks ?? [])].reverse()) {
    if (check.answer === "unknown") continue;
    return check.answer === "absent_since" && check.detail !== PROVEN_ABSENT ? Date.parse(check.at) : Number.NaN;
  }
  return Number.NaN;
}

/**
 * A call no lookup can settle (no lookup on the platform, an edit that is a new post, a
 * correction reply that shares the post's link): only a person, or the key, can vouch for a resend.
 */
export function settleWithoutLookup(
  job: Job,
  platform: Platform,
  now: Date,
  detail: string,
  resendSafe = false,
): Extract<Settled, { kind: "send" | "ask" }> {
  const settlement = recordNoLookup(job.delivery.settlement, platform, now, detail);
  if (resendSafe || job.delivery.settlement?.confirmedAbsent) {
    return { kind: "send", settlement: withoutConfirmation(settlement) };
  }
  return { kind: "ask", settlement, why: "no_lookup" };
}

/** A doubt recorded without asking anything: the first answer never came back from a platform with no lookup. */
export function recordNoLookup(
  base: Settlement | null | undefined,
  platform: Platform,
  now: Date,
  detail: string,
): Settlement {
  return withCheck(base, { at: now.toISOString(), by: lookupName(platform), answer: "no_lookup", detail });
}
