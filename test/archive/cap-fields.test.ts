// The CAP values an alerting system acts on: chosen over defaults by severity, and when a
// message expires.
import { describe, expect, test } from "vitest";
import { capExpiresAt, renderCapMessage, startCapChain } from "../../src/archive/cap";
import { CAP_DEFAULTS, resolveCapValues } from "../../src/archive/cap-fields";
import { SWEDISH_AREAS } from "../../src/domain/publishing/swedish-areas";

const SENT = new Date("2026-12-01T10:00:00Z");
const HOUR = 3_600_000;

describe("CAP values", () => {
  test("the update's choice beats the incident's, which beats the default by severity", () => {
    expect(resolveCapValues("major", undefined, undefined, false)).toEqual(CAP_DEFAULTS.major);
    expect(resolveCapValues("major", { category: "Fire", urgency: "Expected" }, { urgency: "Future" }, false)).toEqual({
      ...CAP_DEFAULTS.major,
      category: "Fire",
      urgency: "Future",
    });
  });

  test("an all-clear says the event is over whatever was chosen, keeping the category", () => {
    expect(resolveCapValues("critical", { category: "Fire", responseType: "Evacuate" }, undefined, true)).toEqual({
      category: "Fire",
      responseType: "AllClear",
      urgency: "Past",
      severity: "Minor",
      certainty: "Observed",
    });
  });
});

describe("expires", () => {
  test("the expected end while it is ahead, else the window from the message, an all-clear after six hours", () => {
    const end = new Date(SENT.getTime() + 3 * HOUR);
    expect(capExpiresAt({ expectedEnd: end }, false, SENT)).toEqual(end);
    expect(capExpiresAt({ expectedEnd: new Date(SENT.getTime() - HOUR) }, false, SENT)).toEqual(
      new Date(SENT.getTime() + 24 * HOUR),
    );
    expect(capExpiresAt({ expectedEnd: null }, false, SENT, 48)).toEqual(new Date(SENT.getTime() + 48 * HOUR));
    expect(capExpiresAt({ expectedEnd: end }, true, SENT)).toEqual(new Date(SENT.getTime() + 6 * HOUR));
  });
});

describe("areas", () => {
  test("the table has Sweden's 21 counties and 290 municipalities, each municipality inside a county", () => {
    const counties = SWEDISH_AREAS.filter((a) => a.kind === "county");
    const municipalities = SWEDISH_AREAS.filter((a) => a.kind === "municipality");
    expect(counties).toHaveLength(21);
    expect(municipalities).toHaveLength(290);
    expect(new Set(SWEDISH_AREAS.map((a) => a.code)).size).toBe(311);
    for (const m of municipalities) {
      expect(m.code).toMatch(/^\d{4}$/);
      expect(counties.map((c) => c.code)).toContain(m.code.slice(0, 2));
    }
    const named = Object.fromEntries(SWEDISH_AREAS.map((a) => [a.code, a.name]));
    expect(named).toMatchObject({
      "0180": "Stockholm",
      "1480": "Göteborg",
      "1280": "Malmö",
      "0380": "Uppsala",
      "2480": "Umeå",
      "01": "Stockholms län",
      "12": "Skåne län",
      "14": "Västra Götalands län",
    });
  });

  test("polygon coordinates are written in plain decimal degrees", () => {
    const xml = renderCapMessage(
      {
        id: "00000000-0000-4000-8000-000000000001",
        title: "Test",
        severity: "info",
        areas: [],
        polygon: [
          [59.5, 0.0000001],
          [59.25, 18],
          [-0.5, 18.123456789],
          [59.5, 0.0000001],
        ],
      },
      {
        identifier: "urn:uuid:00000000-0000-4000-8000-000000000002",
        sentAt: SENT,
        msgType: "Alert",
        notes: [],
        update: { number: 1, kind: "update", body: "Text" },
      },
      startCapChain(),
      { sender: "kris.exempel.se", senderName: "Exempel kommun", web: "https://kris.exempel.se/" },
    );
    expect(xml).toContain("<polygon>59.5,0 59.25,18 -0.5,18.123457 59.5,0</polygon>");
    expect(xml).toContain("<areaDesc>Test</areaDesc>");
  });
});
