// The after-action report as the printable page shows it: Swedish words for its codes, durations
// in words, and the two charts (drawn from the same rows as the tables beside them).
import { DELIVERY_STATUSES } from "../db/schema";
import { CHECK_ANSWER_LABEL, type CheckAnswer } from "../domain/publishing/settlement";
import type { IncidentReport, ReportSummary, ReportUpdate, SettledHow } from "../domain/records/report-shape";
import { formatSeconds } from "../domain/records/report-timeline";
import type { FailureClass } from "../platforms/types";
import type { Renderer } from "./renderer";
import { type Bar, type BarChart, renderBarChart } from "./report-charts";
import { REPORT_CSS } from "./report-css";
import { DELIVERY_KIND_LABEL, DELIVERY_STATUS_LABEL, PLATFORM_LABEL } from "./view-helpers";

const FAILURE_LABEL: Record<FailureClass, string> = {
  retry: "tillfälligt fel",
  auth: "inloggningen fungerade inte",
  rights: "saknade rätt att publicera",
  invalid: "plattformen godtog inte inlägget",
  unconfirmed: "oklart om inlägget kom fram",
};

const SETTLED_LABEL: Record<SettledHow, string> = {
  found_on_platform: "Inlägget fanns redan på plattformen (hittades vid kontroll)",
  retried_by_person: "Publicerad efter nytt försök som en person begärde",
  published_after_retry: "Publicerad vid ett automatiskt nytt försök",
  cancelled: "Stoppad innan den skickades",
  skipped: "Hoppades över",
  in_progress: "Pågår fortfarande",
  unsettled: "Inte löst",
};

export const reportLabels = {
  channel: (a: { platform: string; handle: string }) => `${PLATFORM_LABEL[a.platform] ?? a.platform} ${a.handle}`,
  status: (s: string) => DELIVERY_STATUS_LABEL[s as keyof typeof DELIVERY_STATUS_LABEL] ?? s,
  kind: (k: string) => DELIVERY_KIND_LABEL[k as keyof typeof DELIVERY_KIND_LABEL] ?? k,
  failure: (c: FailureClass) => FAILURE_LABEL[c] ?? c,
  settled: (s: SettledHow) => SETTLED_LABEL[s] ?? s,
  seconds: (s: number | null) => (s === null ? "–" : formatSeconds(s)),
  check: (a: CheckAnswer) => CHECK_ANSWER_LABEL[a] ?? a,
};

export interface ReportPage {
  report: IncidentReport;
  labels: typeof reportLabels;
  timeChart: string | null;
  statusChart: string | null;
  statusRows: { status: string; label: string; count: number }[];
}

/** More bars than this make a chart nobody can read (or print): it then shows one bar per update. */
export const MAX_CHANNEL_BARS = 200;

/** Whether the time chart has one bar per update (its slowest channel) rather than one per publication. */
export const barPerUpdate = (summary: ReportSummary) => summary.timeToChannel.count > MAX_CHANNEL_BARS;

/** The time chart's bars for one update, in its channels' order. */
export function timedBarsOf(u: Pick<ReportUpdate, "number" | "channels">, perUpdate: boolean): Bar[] {
  const timed = u.channels.filter((c) => c.kind === "publish" && c.secondsToChannel !== null);
  if (perUpdate) {
    if (!timed.length) return [];
    const slowest = timed.reduce((a, b) => ((b.secondsToChannel ?? 0) > (a.secondsToChannel ?? 0) ? b : a));
    const seconds = slowest.secondsToChannel as number;
    return [
      {
        label: `Uppdatering ${u.number} (${reportLabels.channel(slowest.account)})`,
        value: seconds,
        valueText: formatSeconds(seconds),
      },
    ];
  }
  return timed.map((c, i) => ({
    group: i === 0 ? `Uppdatering ${u.number}` : undefined,
    label: reportLabels.channel(c.account),
    value: c.secondsToChannel as number,
    valueText: formatSeconds(c.secondsToChannel as number),
  }));
}

/** The time chart without its bars: its title and the description that carries the figures. */
export function timeChartOf(summary: ReportSummary): Omit<BarChart, "bars"> {
  const perUpdate = barPerUpdate(summary);
  const t = summary.timeToChannel;
  return {
    id: "diagram-tid-till-kanal",
    title: perUpdate
      ? "Längsta tid från webbplatsen till en kanal, per uppdatering"
      : "Tid från webbplatsen till varje kanal, per uppdatering",
    description: `${t.count} publiceringar${perUpdate ? `, för många för en stapel var: en stapel per uppdatering visar dess långsammaste kanal` : ""}. Median ${reportLabels.seconds(t.medianSeconds)}, 95:e percentilen ${reportLabels.seconds(t.p95Seconds)}, längst ${reportLabels.seconds(t.maxSeconds)}. Samma siffror står i tabellen under diagrammet.`,
    unit: "seconds",
  };
}

/** The rows and chart of deliveries per final status: small, from the summary alone. */
export function statusFiguresOf(summary: ReportSummary): Pick<ReportPage, "statusChart" | "statusRows"> {
  const statusRows = DELIVERY_STATUSES.map((status) => ({
    status,
    label: reportLabels.status(status),
    count: summary.deliveries.byStatus[status],
  })).filter((r) => r.count > 0);
  return {
    statusChart: statusRows.length
      ? renderBarChart({
          id: "diagram-slutstatus",
          title: "Leveranser per slutstatus",
          description: `${summary.deliveries.total} leveranser: ${statusRows.map((r) => `${r.label} ${r.count}`).join(", ")}.`,
          bars: statusRows.map((r) => ({ label: r.label, value: r.count, valueText: String(r.count) })),
          unit: "count",
        })
      : null,
    statusRows,
  };
}

export function reportPageData(report: IncidentReport): ReportPage {
  const perUpdate = barPerUpdate(report.summary);
  const bars = report.updates.flatMap((u) => timedBarsOf(u, perUpdate));
  return {
    report,
    labels: reportLabels,
    timeChart: bars.length ? renderBarChart({ ...timeChartOf(report.summary), bars }) : null,
    ...statusFiguresOf(report.summary),
  };
}

/** The report as a page of its own, with its styles inline: the archive's copy, read without the hub. */
export function renderReportDocument(render: Renderer, report: IncidentReport, orgName: string): string {
  return render.render("staff/report-document", { ...reportPageData(report), orgName, css: REPORT_CSS });
}
