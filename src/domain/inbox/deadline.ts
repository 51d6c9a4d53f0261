// When an answer is due (MISSION R11). The organisation's rule is a setting: within a number of
// minutes while the item's incident is active (60 by default), otherwise within a number of
// working days (1: the policies' "inom en arbetsdag"). Working days are Monday to Friday in
// Stockholm; public holidays are not known to the hub and count as working days.
import { z } from "zod";

export const InboxRule = z.object({
  activeIncidentMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(60),
  workingDays: z.number().int().min(1).max(10).default(1),
  /** Items whose deadline is this close (or past) are highlighted. */
  dueSoonMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
});
export type InboxRule = z.infer<typeof InboxRule>;

const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKDAY = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Stockholm", weekday: "short" });

/** The rule from organisation settings (`settings.inbox`), defaults where unset or unreadable. */
export function readInboxRule(settings: Record<string, unknown>): InboxRule {
  const parsed = InboxRule.safeParse(settings.inbox ?? {});
  return parsed.success ? parsed.data : InboxRule.parse({});
}

function isWorkingDay(at: Date): boolean {
  const day = WEEKDAY.format(at);
  return day !== "Sat" && day !== "Sun";
}

/** The deadline of an item written at `postedAt`; `urgent` while its incident is active. */
export function answerDeadline(postedAt: Date, urgent: boolean, rule: InboxRule): Date {
  if (urgent) return new Date(postedAt.getTime() + rule.activeIncidentMinutes * 60_000);
  let at = postedAt.getTime();
  let left = rule.workingDays;
  // One calendar day at a time; only a landing on Monday to Friday counts (Friday 15:00 → Monday 15:00).
  while (left > 0) {
    at += DAY_MS;
    if (isWorkingDay(new Date(at))) left--;
  }
  return new Date(at);
}

export type DeadlineState = "ok" | "soon" | "passed" | "none";

/** How an open item stands against its deadline; answered and closed items have none. */
export function deadlineState(deadlineAt: Date, open: boolean, now: Date, rule: InboxRule): DeadlineState {
  if (!open) return "none";
  const left = deadlineAt.getTime() - now.getTime();
  if (left <= 0) return "passed";
  return left <= rule.dueSoonMinutes * 60_000 ? "soon" : "ok";
}
