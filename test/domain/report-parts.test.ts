// The after-action report's pure parts: its figures, the timeline's reading of audit rows
// (approvals and rejections included), and the SVG chart (one mark per bar, text escaped).
import { describe, expect, test } from "vitest";
import { durationFigures } from "../../src/domain/records/report-figures";
import type { IncidentReport } from "../../src/domain/records/report-shape";
import { type AuditRow, formatSeconds, toTimeline } from "../../src/domain/records/report-timeline";
import { renderBarChart } from "../../src/render/report-charts";
import { MAX_CHANNEL_BARS, reportPageData } from "../../src/render/report-view";

describe("durationFigures", () => {
  test("median of an even count is the mean of the middle two; p95 is the nearest rank", () => {
    expect(durationFigures([40, 20, 330, 20, 320, 40])).toEqual({
      count: 6,
      medianSeconds: 40,
      p95Seconds: 330,
      maxSeconds: 330,
    });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(durationFigures(hundred)).toEqual({ count: 100, medianSeconds: 50.5, p95Seconds: 95, maxSeconds: 100 });
    expect(durationFigures([7])).toEqual({ count: 1, medianSeconds: 7, p95Seconds: 7, maxSeconds: 7 });
    expect(durationFigures([])).toEqual({ count: 0, medianSeconds: null, p95Seconds: null, maxSeconds: null });
  });

  test("formatSeconds reads as a meeting would say it", () => {
    expect([42, 60, 320, 3600, 3720].map(formatSeconds)).toEqual(["42 s", "1 min", "5 min 20 s", "1 h", "1 h 2 min"]);
  });
});

describe("toTimeline", () => {
  let id = 0;
  const row = (action: string, at: string, extra: Partial<AuditRow> = {}): AuditRow => ({
    id: ++id,
    at: new Date(at),
    actorId: "p1",
    actorName: "Eva Ek",
    actorSubject: null,
    action,
    entityType: "update",
    entityId: "u1",
    incidentId: "i1",
    accountId: null,
    before: null,
    after: null,
    ...extra,
  });
  const lookups = {
    updateNumberOf: (updateId: string | null | undefined) => (updateId === "u1" ? 4 : null),
    accountOf: () => null,
    updateIdOfDelivery: () => "u1",
  };

  test("approvals and rejections with their reasons; the dispatcher's attempt rows are left out", () => {
    const timeline = toTimeline(
      [
        row("update.awaiting_approval", "2026-11-21T13:00:00Z"),
        row("update.rejected", "2026-11-21T13:02:00Z", { after: { rejectionReason: "Fel adress" } }),
        row("update.approved", "2026-11-21T13:01:00Z", { actorName: "Olle Ö" }),
        row("delivery.failed", "2026-11-21T13:03:00Z", { actorId: null, entityType: "delivery" }),
        row("delivery.retried", "2026-11-21T13:04:00Z", {
          entityType: "delivery",
          after: { message: "Nytt försök" },
        }),
      ],
      lookups,
    );
    expect(timeline.map((e) => [e.action, e.actor.name, e.updateNumber, e.detail, e.label])).toEqual([
      ["update.awaiting_approval", "Eva Ek", 4, null, "Uppdatering väntar på godkännande"],
      ["update.approved", "Olle Ö", 4, null, "Uppdatering godkänd och publicerad"],
      ["update.rejected", "Eva Ek", 4, "Fel adress", "Uppdatering avvisad"],
      ["delivery.retried", "Eva Ek", 4, "Nytt försök", "Nytt försök begärt"],
    ]);
  });
});

describe("renderBarChart", () => {
  test("draws one mark per data point, titled and described, with every text escaped", () => {
    const svg = renderBarChart({
      id: "diagram",
      title: "Tid <till> kanal",
      description: "Två & tre",
      unit: "seconds",
      bars: [
        { group: "Uppdatering 1", label: 'X "kommunen"', value: 20, valueText: "20 s" },
        { label: "<script>alert(1)</script>", value: 320, valueText: "5 min 20 s" },
        { group: "Uppdatering 2", label: "Mastodon", value: 0, valueText: "0 s" },
      ],
    });
    expect(svg.match(/class="mark"/g)).toHaveLength(3);
    expect([...svg.matchAll(/data-seconds="(\d+)"/g)].map((m) => m[1])).toEqual(["20", "320", "0"]);
    expect(svg).toContain('role="img" aria-labelledby="diagram-titel diagram-beskrivning"');
    expect(svg).toContain('<title id="diagram-titel">Tid &lt;till&gt; kanal</title>');
    expect(svg).toContain('<desc id="diagram-beskrivning">Två &amp; tre</desc>');
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("X &quot;kommunen&quot;");
    // A 320 s maximum is drawn on a minute scale: 0 s to 6 min.
    expect(svg).toContain(">6 min</text>");
    expect(svg).not.toMatch(/style=/);
  });

  test("counts use a plain scale", () => {
    const svg = renderBarChart({
      id: "status",
      title: "Slutstatus",
      description: "",
      unit: "count",
      bars: [
        { label: "Publicerad", value: 9, valueText: "9" },
        { label: "Stoppad", value: 3, valueText: "3" },
      ],
    });
    expect([...svg.matchAll(/data-count="(\d+)"/g)].map((m) => m[1])).toEqual(["9", "3"]);
    expect(svg).toContain(">10</text>");
  });
});

describe("reportPageData", () => {
  /** A report of `updates` updates each published to `accounts` channels, channel i after 10 + i seconds. */
  function reportOf(updates: number, accounts: number): IncidentReport {
    const list = Array.from({ length: updates }, (_, u) => ({
      number: u + 1,
      channels: Array.from({ length: accounts }, (_, i) => ({
        kind: "publish",
        status: "published",
        secondsToChannel: 10 + i,
        account: { id: `a${i}`, platform: "mastodon", handle: `konto${i}` },
      })),
    }));
    const times = list.flatMap((u) => u.channels.map((c) => c.secondsToChannel));
    return {
      updates: list,
      summary: {
        timeToChannel: durationFigures(times),
        deliveries: { total: times.length, byStatus: { published: times.length } },
      },
    } as unknown as IncidentReport;
  }
  const marks = (svg: string | null) => svg?.match(/class="mark"/g)?.length ?? 0;

  test("one bar per publication while they fit, then one per update showing its slowest channel", () => {
    expect(marks(reportPageData(reportOf(4, 5)).timeChart)).toBe(20);
    const many = reportPageData(reportOf(30, 10));
    expect(30 * 10).toBeGreaterThan(MAX_CHANNEL_BARS);
    expect(marks(many.timeChart)).toBe(30);
    expect(many.timeChart).toContain("Uppdatering 7 (Mastodon konto9)");
    expect(many.timeChart).toContain("Längsta tid från webbplatsen till en kanal");
    expect(marks(many.statusChart)).toBe(1);
  });
});
