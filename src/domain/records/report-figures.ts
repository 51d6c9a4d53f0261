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

/**
 * The same figures as durationFigures, from how often each value occurs: the archive's report
 * reads its rows a page at a time and keeps one count per distinct number of seconds, not every row.
 */
export function durationFiguresOfCounts(counts: ReadonlyMap<number, number>): DurationFigures {
  const values = [...counts.keys()].sort((a, b) => a - b);
  let total = 0;
  for (const v of values) total += counts.get(v) as number;
  if (!total) return { count: 0, medianSeconds: null, p95Seconds: null, maxSeconds: null };
  const at = (index: number) => {
    let seen = 0;
    for (const v of values) {
      seen += counts.get(v) as number;
      if (index < seen) return v;
    }
    return values[values.length - 1];
  };
  const mid = Math.floor(total / 2);
  const median = total % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return {
    count: total,
    medianSeconds: median,
    p95Seconds: at(Math.ceil(0.95 * total) - 1),
    maxSeconds: values[values.length - 1],
  };
}

const tally = (counts: Map<number, number>, value: number | null) => {
  if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
};

/** summarise, a page of rows at a time: add every page, then ask for the summary. */
export function summaryTally() {
  const updates = { total: 0, published: 0, edited: 0, withdrawn: 0, rejected: 0, waiting: 0 };
  const byStatus = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
  let deliveries = 0;
  const toChannel = new Map<number, number>();
  const failures = { deliveries: 0, byClass: {} as Partial<Record<FailureClass, number>>, unsettled: 0 };
  const languages = new Map<number, number>();
  const byLanguage = new Map<string, Map<number, number>>();
  let borrowings = 0;
  let pauses = 0;
  return {
    /** The update counts, as the database counts them (report-counts.ts). */
    setUpdates(counts: ReportSummary["updates"]) {
      Object.assign(updates, counts);
    },
    addDeliveries(status: DeliveryStatus, n: number) {
      deliveries += n;
      byStatus[status] += n;
    },
    /** n first posts that took this many seconds from the website to their channel. */
    addTimeToChannel(seconds: number, n: number) {
      toChannel.set(seconds, (toChannel.get(seconds) ?? 0) + n);
    },
    addFailures(page: readonly ReportFailure[]) {
      for (const f of page) {
        failures.deliveries++;
        for (const cls of f.failureClasses) failures.byClass[cls] = (failures.byClass[cls] ?? 0) + 1;
        if (f.settledHow === "unsettled") failures.unsettled++;
      }
    },
    addLanguages(page: readonly ReportLanguage[]) {
      for (const l of page) {
        tally(languages, l.secondsAfterSwedish);
        const counts = byLanguage.get(l.language) ?? new Map<number, number>();
        byLanguage.set(l.language, counts);
        tally(counts, l.secondsAfterSwedish);
      }
    },
    addBorrowings(page: readonly ReportBorrowing[]) {
      borrowings += page.length;
    },
    addTimeline(page: readonly TimelineEntry[]) {
      for (const t of page) if (t.action === "deliveries.paused") pauses++;
    },
    summary(): ReportSummary {
      const perLanguage: Record<string, DurationFigures> = {};
      for (const [language, counts] of byLanguage) perLanguage[language] = durationFiguresOfCounts(counts);
      return {
        updates: { ...updates },
        deliveries: { total: deliveries, byStatus: { ...byStatus } },
        timeToChannel: durationFiguresOfCounts(toChannel),
        failures: { ...failures, byClass: { ...failures.byClass } },
        languages: { ...durationFiguresOfCounts(languages), byLanguage: perLanguage },
        borrowings,
        killSwitch: { pauses },
      };
    },
  };
}
