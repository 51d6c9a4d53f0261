// The report's summary figures, as pure functions of its rows, so the numbers can be checked by
// hand: the median of an even count is the mean of the middle two; p95 is the nearest rank
// (the smallest value with at least 95 % of the values at or below it), never interpolated.
import { DELIVERY_STATUSES, type DeliveryStatus } from "../../db/schema";
import type { FailureClass } from "../../platforms/types";
import type {
  DurationFigures,
  ReportBorrowing,
  ReportChannel,
  ReportFailure,
  ReportLanguage,
  ReportSummary,
  ReportUpdate,
  TimelineEntry,
} from "./report-shape";

export function secondsBetween(from: Date | null, to: Date | null): number | null {
  if (!from || !to) return null;
  return Math.round((to.getTime() - from.getTime()) / 1000);
}

export function durationFigures(values: readonly number[]): DurationFigures {
  if (!values.length) return { count: 0, medianSeconds: null, p95Seconds: null, maxSeconds: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1];
  return { count: sorted.length, medianSeconds: median, p95Seconds: p95, maxSeconds: sorted[sorted.length - 1] };
}

export function summarise(parts: {
  updates: ReportUpdate[];
  failures: ReportFailure[];
  languages: ReportLanguage[];
  borrowings: ReportBorrowing[];
  timeline: TimelineEntry[];
}): ReportSummary {
  const { updates } = parts;
  const channels = updates.flatMap((u) => u.channels);
  const byStatus = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  for (const c of channels) byStatus[c.status]++;
  const byClass: Partial<Record<FailureClass, number>> = {};
  for (const f of parts.failures) for (const cls of f.failureClasses) byClass[cls] = (byClass[cls] ?? 0) + 1;
  const byLanguage: Record<string, DurationFigures> = {};
  for (const language of new Set(parts.languages.map((l) => l.language))) {
    byLanguage[language] = durationFigures(
      secondsOf(parts.languages.filter((l) => l.language === language).map((l) => l.secondsAfterSwedish)),
    );
  }
  return {
    updates: {
      total: updates.length,
      published: updates.filter((u) => u.state === "published").length,
      edited: updates.filter((u) => u.revision > 1).length,
      withdrawn: updates.filter((u) => u.withdrawnAt).length,
      rejected: updates.filter((u) => u.state === "rejected").length,
      waiting: updates.filter((u) => u.state === "pending_approval").length,
    },
    deliveries: { total: channels.length, byStatus },
    timeToChannel: durationFigures(timesToChannel(channels)),
    failures: {
      deliveries: parts.failures.length,
      byClass,
      unsettled: parts.failures.filter((f) => f.settledHow === "unsettled").length,
    },
    languages: { ...durationFigures(secondsOf(parts.languages.map((l) => l.secondsAfterSwedish))), byLanguage },
    borrowings: parts.borrowings.length,
    killSwitch: { pauses: parts.timeline.filter((t) => t.action === "deliveries.paused").length },
  };
}

/** The website-to-channel times of first posts; edits and retractions follow other moments. */
export function timesToChannel(channels: readonly ReportChannel[]): number[] {
  return secondsOf(channels.filter((c) => c.kind === "publish").map((c) => c.secondsToChannel));
}

function secondsOf(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null);
}
