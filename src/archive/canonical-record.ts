// A register's JSON record, written straight from its columns: the same bytes as
// canonicalJson(Object.fromEntries(columns -> values)), without building and key-sorting an
// object per row. The keys are sorted once per register; only nested values (jsonb) go through
// canonicalJson. A register of 100,000 deliveries is 100,000 records.
import { canonicalJson } from "./canonical-json";
import type { CsvColumn, CsvValue } from "./csv";

export function canonicalRecordWriter<T>(columns: CsvColumn<T>[]): (row: T) => string {
  // A later column of the same header wins, as it does in Object.fromEntries.
  const byHeader = new Map(columns.map((c) => [c.header, c.value] as const));
  // The order canonicalJson's sorted object ends up in: integer-like keys first, as numbers.
  const order = Object.keys(Object.fromEntries([...byHeader.keys()].sort().map((header) => [header, 0])));
  const members = order.map((header) => ({
    key: `${JSON.stringify(header)}:`,
    value: byHeader.get(header) as (row: T) => CsvValue,
  }));
  return (row) => {
    let out = "{";
    for (const member of members) {
      const value = member.value(row);
      // canonicalJson drops undefined members.
      if (value === undefined || typeof value === "function") continue;
      out += `${out.length > 1 ? "," : ""}${member.key}${canonicalValue(value)}`;
    }
    return `${out}}`;
  };
}

function canonicalValue(value: CsvValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return `"${value.toISOString()}"`;
  return canonicalJson(value);
}
