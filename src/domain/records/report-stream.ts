// The after-action report as the archive writes it: its canonical JSON and its printable page as
// streams of text, the same bytes as canonicalJson(buildIncidentReport(...)) and
// renderReportDocument(...) of the whole report, without the whole report in memory. The summary
// (and the chart's scale) come first in both, so the rows are read twice: once to count, once to
// write each file. The JSON is the canonical JSON of the report with each long list replaced by a
// marker, the lists written into its place; the page is the document rendered around one
// placeholder row per table, each table's rows rendered into its place through the same partials.
import { canonicalJson } from "../../archive/canonical-json";
import { TEXT_CHUNK } from "../../archive/csv";
import { encodeEach, joinLines } from "../../archive/join-lines";
import type { Renderer } from "../../render/renderer";
import { type Bar, barChartWriter } from "../../render/report-charts";
import { REPORT_CSS } from "../../render/report-css";
import { barPerUpdate, reportLabels, statusFiguresOf, timeChartOf, timedBarsOf } from "../../render/report-view";
import { type ViewHelpers, viewHelpers } from "../../render/view-helpers";
import type { Incident } from "../publishing/incidents";
import { missingAccount, type ReportDeps, readReach, reportIncidentOf } from "./incident-report";
import { deliveriesByStatus, failurePages, slowestPerUpdate, timesToChannel, updateCounts } from "./report-counts";
import { summaryTally } from "./report-figures";
import {
  accountLookup,
  borrowingPages,
  languagePages,
  type ReportReader,
  reportReader,
  reportUpdatePages,
  timelinePages,
} from "./report-pages";
import {
  type IncidentReport,
  REPORT_VERSION,
  type ReportBorrowing,
  type ReportChannel,
  type ReportFailure,
  type ReportLanguage,
  type ReportUpdate,
  type TimelineEntry,
} from "./report-shape";

export interface ReportStreamOptions {
  /** Rows per page (updates per page for the updates); small in tests, to cross page ends. */
  pageSize?: number;
  /** Failures kept from the counting pass; past this many they are read again when written. */
  heldFailures?: number;
}

export interface ReportStream {
  json(): AsyncGenerator<string>;
  html(render: Renderer, orgName: string): AsyncGenerator<string>;
}

type Lists = Pick<IncidentReport, "borrowings" | "failures" | "languages" | "timeline" | "updates">;
type Head = Omit<IncidentReport, keyof Lists>;

/**
 * Counts the incident's rows (the summary, the chart's bars) and returns the two writers. What is
 * kept between the passes does not grow with the incident's deliveries: the summary's counts,
 * the time chart's bars (one per update at most) and at most `heldFailures` failures.
 */
export async function streamIncidentReport(
  deps: ReportDeps,
  incident: Incident,
  options: ReportStreamOptions = {},
): Promise<ReportStream> {
  const now = deps.now();
  const reader = reportReader(deps.db, incident, now, options.pageSize);
  const heldFailures = options.heldFailures ?? 1000;
  const tally = summaryTally();
  tally.setUpdates(await updateCounts(reader));
  for (const { status, n } of await deliveriesByStatus(reader)) tally.addDeliveries(status, n);
  for (const { seconds, n } of await timesToChannel(reader)) tally.addTimeToChannel(seconds, n);
  let failures: ReportFailure[] | null = [];
  let timelineCount = 0;
  let languageCount = 0;
  for await (const page of failurePages(reader)) {
    tally.addFailures(page);
    if (failures) failures.push(...page);
    if (failures && failures.length > heldFailures) failures = null;
  }
  for await (const page of timelinePages(reader)) {
    tally.addTimeline(page);
    timelineCount += page.length;
  }
  for await (const page of borrowingPages(reader)) tally.addBorrowings(page);
  for await (const page of languagePages(reader)) {
    tally.addLanguages(page);
    languageCount += page.length;
  }
  const summary = tally.summary();
  const head: Head = {
    reportVersion: REPORT_VERSION,
    generatedAt: now.toISOString(),
    incident: reportIncidentOf(incident, deps.config.publicUrl),
    // Counts per channel and one line per published update: small beside the deliveries.
    reach: await readReach(deps, incident, now),
    summary,
  };
  const lists = {
    updates: () => mapPages(reportUpdatePages(reader), (p) => p.updates),
    failures: () => (failures ? single(failures) : failurePages(reader)),
    timeline: () => timelinePages(reader),
    borrowings: () => borrowingPages(reader),
    languages: () => languagePages(reader),
  } satisfies { [K in keyof Lists]: () => AsyncIterable<Lists[K]> };
  const counts: { [K in keyof Lists]: number } = {
    updates: summary.deliveries.total,
    failures: summary.failures.deliveries,
    timeline: timelineCount,
    borrowings: summary.borrowings,
    languages: languageCount,
  };
  const bars = await timeChartBars(reader, summary);
  return {
    json: () => reportJson(head, lists),
    html: (render, orgName) => reportHtml(render, orgName, head, lists, counts, bars),
  };
}

/**
 * The time chart's bars: one per publication while they are few (read with the updates, as the
 * whole report does), else each update's slowest, found by the database.
 */
async function timeChartBars(reader: ReportReader, summary: IncidentReport["summary"]): Promise<Bar[]> {
  if (!summary.timeToChannel.count) return [];
  if (!barPerUpdate(summary)) {
    const bars: Bar[] = [];
    for await (const page of reportUpdatePages(reader))
      for (const u of page.updates) bars.push(...timedBarsOf(u, false));
    return bars;
  }
  const slowest = await slowestPerUpdate(reader);
  const accountOf = await accountLookup(
    reader,
    slowest.map((s) => s.accountId),
  );
  return slowest.flatMap((s) => {
    const account = accountOf(s.accountId) ?? missingAccount(s.accountId);
    const channel = { kind: "publish" as const, secondsToChannel: s.seconds, account };
    return timedBarsOf({ number: s.number, channels: [channel as ReportChannel] }, true);
  });
}

const MARK = (name: string) => `\u0000kriskanal-report-${name}\u0000`;

async function* reportJson(
  head: Head,
  lists: { [K in keyof Lists]: () => AsyncIterable<Lists[K]> },
): AsyncGenerator<string> {
  const skeleton: Record<string, unknown> = { ...head };
  const parts: Part[] = [];
  for (const [name, pages] of Object.entries(lists) as [keyof Lists, () => AsyncIterable<unknown[]>][]) {
    skeleton[name] = MARK(name);
    parts.push({ cut: JSON.stringify(MARK(name)), content: () => jsonArray(pages()) });
  }
  yield* splice(canonicalJson(skeleton), parts);
}

/** The canonical JSON of an array whose items come a page at a time: each item is canonical on its own. */
function jsonArray(pages: AsyncIterable<unknown[]>): AsyncGenerator<string> {
  return joinLines(encodeEach(pages, canonicalJson), "[", ",", "]");
}

const PLACEHOLDER = "\u0000kriskanal-placeholder\u0000";
const placeholderAccount = { id: PLACEHOLDER, platform: "x" as const, handle: PLACEHOLDER };
const placeholderChannel: ReportChannel = {
  deliveryId: PLACEHOLDER,
  kind: "publish",
  account: placeholderAccount,
  language: "sv",
  borrowed: false,
  status: "published",
  startedAt: null,
  publishedAt: null,
  secondsToChannel: null,
  attempts: 0,
  attemptLog: [],
  remoteUrl: null,
  failureClass: null,
  message: null,
};
/** One row of each table, each with a text no real row has. */
const PLACEHOLDERS: Lists = {
  updates: [
    {
      id: PLACEHOLDER,
      number: -1,
      kind: "update",
      state: "published",
      createdAt: PLACEHOLDER,
      publishedAt: null,
      author: PLACEHOLDER,
      revision: 1,
      editedAt: null,
      withdrawnAt: null,
      withdrawnReason: null,
      channels: [placeholderChannel],
    },
  ] satisfies ReportUpdate[],
  failures: [
    {
      deliveryId: PLACEHOLDER,
      updateNumber: -1,
      kind: "publish",
      account: placeholderAccount,
      finalStatus: "failed",
      failureClasses: [],
      failedAttempts: 0,
      lastMessage: PLACEHOLDER,
      settledHow: "unsettled",
      settledAt: null,
      settledBy: null,
      settlement: null,
    },
  ] satisfies ReportFailure[],
  timeline: [
    {
      at: "2000-01-01T00:00:00.000Z",
      action: PLACEHOLDER,
      label: PLACEHOLDER,
      actor: { id: null, name: PLACEHOLDER, subject: null },
      updateNumber: null,
      account: null,
      detail: PLACEHOLDER,
    },
  ] satisfies TimelineEntry[],
  borrowings: [
    {
      at: "2000-01-01T00:00:00.000Z",
      person: PLACEHOLDER,
      account: placeholderAccount,
      updateNumber: null,
      reason: PLACEHOLDER,
    },
  ] satisfies ReportBorrowing[],
  languages: [
    {
      updateNumber: -1,
      language: PLACEHOLDER,
      createdAt: "2000-01-01T00:00:00.000Z",
      secondsAfterSwedish: null,
      translator: null,
    },
  ] satisfies ReportLanguage[],
};
/** The partial that renders each table's rows, and the name it gives the rows. */
const ROWS: { [K in keyof Lists]: [template: string, key: string] } = {
  updates: ["staff/report-channel-rows", "updates"],
  failures: ["staff/report-failure-rows", "failures"],
  timeline: ["staff/report-timeline-rows", "timeline"],
  borrowings: ["staff/report-borrowing-rows", "borrowings"],
  languages: ["staff/report-language-rows", "languages"],
};

async function* reportHtml(
  render: Renderer,
  orgName: string,
  head: Head,
  lists: { [K in keyof Lists]: () => AsyncIterable<Lists[K]> },
  counts: { [K in keyof Lists]: number },
  bars: Bar[],
): AsyncGenerator<string> {
  const h = withRememberedTimes();
  const rows = (name: keyof Lists, items: unknown[]) =>
    render.render(ROWS[name][0], { [ROWS[name][1]]: items, L: reportLabels, h });
  const skeleton = { ...head } as IncidentReport;
  const parts: Part[] = [];
  for (const name of Object.keys(ROWS) as (keyof Lists)[]) {
    // An empty table is rendered as the whole report renders it (often a sentence instead).
    (skeleton as unknown as Record<string, unknown[]>)[name] = counts[name] ? PLACEHOLDERS[name] : [];
    if (counts[name]) {
      parts.push({
        cut: rows(name, PLACEHOLDERS[name]),
        content: async function* () {
          for await (const page of lists[name]() as AsyncIterable<unknown[]>) yield rows(name, page);
        },
      });
    }
  }
  const timeChart = MARK("time-chart");
  if (bars.length) {
    const chart = barChartWriter(timeChartOf(head.summary), {
      max: bars.reduce((max, b) => Math.max(max, b.value), 0),
      bars: bars.length,
      groups: bars.filter((b) => b.group).length,
    });
    parts.push({
      cut: timeChart,
      content: async function* () {
        yield chart.head;
        for (const bar of bars) yield chart.bar(bar);
        yield chart.end;
      },
    });
  }
  const document = render.render("staff/report-document", {
    report: skeleton,
    labels: reportLabels,
    timeChart: bars.length ? timeChart : null,
    ...statusFiguresOf(head.summary),
    orgName,
    css: REPORT_CSS,
  });
  yield* splice(document, parts);
}

/**
 * The view helpers with `when` remembering its last answers: the channels of an update share
 * their start, and often their minute, and formatting a date is a good part of a row's cost.
 */
function withRememberedTimes(): ViewHelpers {
  const known = new Map<string, string>();
  return {
    ...viewHelpers,
    when(at) {
      if (typeof at !== "string") return viewHelpers.when(at);
      let text = known.get(at);
      if (text === undefined) {
        if (known.size >= 4096) known.clear();
        text = viewHelpers.when(at);
        known.set(at, text);
      }
      return text;
    },
  };
}

interface Part {
  /** The text in the skeleton that the content takes the place of. */
  cut: string;
  content(): AsyncIterable<string>;
}

/** The skeleton's text with each cut replaced by its content, in the order the cuts appear. */
async function* splice(text: string, parts: Part[]): AsyncGenerator<string> {
  const placed = parts.map((part) => {
    const at = text.indexOf(part.cut);
    if (at < 0 || text.indexOf(part.cut, at + 1) >= 0) {
      throw new Error("The report's skeleton does not hold each placeholder exactly once.");
    }
    return { ...part, at };
  });
  placed.sort((a, b) => a.at - b.at);
  let from = 0;
  let chunk = "";
  for (const part of placed) {
    chunk += text.slice(from, part.at);
    for await (const piece of part.content()) {
      chunk += piece;
      if (chunk.length >= TEXT_CHUNK) {
        yield chunk;
        chunk = "";
      }
    }
    from = part.at + part.cut.length;
  }
  yield chunk + text.slice(from);
}

async function* mapPages<T, U>(pages: AsyncIterable<T>, pick: (page: T) => U[]): AsyncGenerator<U[]> {
  for await (const page of pages) yield pick(page);
}

async function* single<T>(items: T): AsyncGenerator<T> {
  yield items;
}
