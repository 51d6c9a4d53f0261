// The export writes each register record from its columns; the bytes must be those of
// canonicalJson over the record object, which is what the package promises (keys sorted, no
// whitespace, undefined members dropped, dates as ISO strings, nested values canonical too).
import { describe, expect, test } from "vitest";
import { canonicalJson } from "../../src/archive/canonical-json";
import { canonicalRecordWriter } from "../../src/archive/canonical-record";
import type { CsvColumn, CsvValue } from "../../src/archive/csv";
import { REGISTERS, recordOf } from "../../src/domain/records/archive-registers";

type Row = Record<string, CsvValue>;
const column = (header: string): CsvColumn<Row> => ({ header, value: (row) => row[header] });

const ROWS: Row[] = [
  {
    b: 'text with "quotes", \\ and \n newlines \u0001 \u2028 åäö 🚰',
    a: 1.5,
    ä: true,
    Z: false,
    "10": null,
    "2": undefined,
    c: new Date("2026-03-01T10:00:00.123Z"),
    d: { z: [3, { y: undefined, x: new Date(0) }], a: null, ö: "x" },
    e: -0,
    f: [],
  },
  {
    b: undefined,
    a: undefined,
    ä: undefined,
    Z: undefined,
    "10": undefined,
    "2": undefined,
    c: undefined,
    d: undefined,
    e: undefined,
    f: undefined,
  },
  { b: "", a: 0, ä: false, Z: "", "10": 10, "2": "2", c: null, d: {}, e: 1e21, f: [null] },
];

describe("register records", () => {
  test("are byte for byte canonicalJson of the record, whatever the values", () => {
    const columns = Object.keys(ROWS[0]).map(column);
    const write = canonicalRecordWriter(columns);
    for (const row of ROWS) {
      expect(write(row)).toBe(canonicalJson(Object.fromEntries(columns.map((c) => [c.header, c.value(row)]))));
    }
  });

  test("a later column of the same header wins, as in an object", () => {
    const columns = [column("a"), { header: "a", value: () => "second" }, column("b")];
    expect(canonicalRecordWriter(columns)({ a: "first", b: 1 })).toBe('{"a":"second","b":1}');
  });

  test("every register's columns write what recordOf and canonicalJson write", () => {
    for (const register of REGISTERS) {
      const row = {
        update: { body: "x", author: {} },
        delivery: {},
        revision: {},
        removal: { reason: "spam" },
        borrowing: {},
        item: { text: "Gäller det Norrby?" },
        answer: { text: "Ja." },
        handle: "@exempelkommun",
      };
      const write = canonicalRecordWriter(register.columns);
      expect(write(row), register.name).toBe(canonicalJson(recordOf(register, row)));
    }
  });
});
