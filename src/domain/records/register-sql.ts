// A register's JSON records and CSV lines written by the database itself, for the registers that
// run to hundreds of thousands of rows (deliveries: one per update and account). Reading such a
// register as rows cost more than everything else in an export: each row became twenty driver
// values, then a drizzle object, then a JSON string and a CSV line in JavaScript, twice. Here one
// query per batch returns the batch's finished text, byte for byte what canonicalRecordWriter
// and csvLines make of the same row (test/domain/register-sql.test.ts holds them to that).
import { type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { rowsOf } from "../../db/client";

export type SqlValueKind = "text" | "uuid" | "number" | "boolean" | "timestamp";

export interface SqlColumn {
  header: string;
  kind: SqlValueKind;
  value: SQL;
  /** Left out of the JSON record (as canonicalJson leaves out an undefined value) and empty in CSV. */
  absent?: boolean;
}

/** The characters that make csvField quote a field; an E'' string, so \r and \n are CR and LF. */
const NEEDS_QUOTES = sql.raw(`E'[",\\r\\n]'`);

/** An ISO 8601 UTC instant with milliseconds, as Date.prototype.toISOString writes it. */
const isoInstant = (value: SQL) => sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The value as row_to_json should see it: PostgreSQL's own JSON of text, numbers and booleans is JSON.stringify's. */
function jsonValue(column: SqlColumn): SQL {
  const { value } = column;
  switch (column.kind) {
    case "text":
    case "uuid":
      return sql`(${value})::text`;
    case "number":
    case "boolean":
      return value;
    case "timestamp":
      return isoInstant(value);
  }
}

function csvValue(column: SqlColumn): SQL {
  const { value } = column;
  switch (column.kind) {
    case "text":
      // RFC 4180 as csvField: quoted, quotes doubled, only when it holds a comma, quote, CR or LF.
      return sql`case when (${value})::text ~ ${NEEDS_QUOTES} then '"' || replace((${value})::text, '"', '""') || '"' else (${value})::text end`;
    case "uuid":
    case "number":
    case "boolean":
      return sql`(${value})::text`;
    case "timestamp":
      return isoInstant(value);
  }
}

/**
 * The canonical JSON record of a row. row_to_json writes no whitespace and escapes strings as
 * JSON.stringify does (\" \\ \b \f \n \r \t, other controls as \u00xx, the rest as it is), and
 * keeps the members in the order selected: canonicalJson's key order.
 */
export function jsonRecordSql(columns: SqlColumn[]): SQL {
  const byHeader = new Map(columns.filter((c) => !c.absent).map((c) => [c.header, c] as const));
  const order = Object.keys(Object.fromEntries([...byHeader.keys()].sort().map((header) => [header, 0])));
  const members = order.map((header) => {
    const column = byHeader.get(header) as SqlColumn;
    return sql`${jsonValue(column)} as ${sql.identifier(header)}`;
  });
  return sql`(select row_to_json(record)::text from (select ${sql.join(members, sql`, `)}) as record)`;
}

/** The CSV line of a row, CRLF included. */
export function csvLineSql(columns: SqlColumn[]): SQL {
  const fields = columns.map((column) => (column.absent ? sql`''` : sql`coalesce(${csvValue(column)}, '')`));
  return sql`concat_ws(',', ${sql.join(fields, sql`, `)}) || chr(13) || chr(10)`;
}

/**
 * One batch of rows as their lines, in `orderBy` order; `from` is the FROM … WHERE of the query.
 * A row per line, not one text per batch: postgres.js gathers a message larger than its read
 * buffer by concatenating as it arrives, so a batch as one multi-megabyte value cost more memory
 * than the rows it held.
 */
export async function batchLines(db: DbOrTx, line: SQL, from: SQL, orderBy: SQL): Promise<string[]> {
  const rows = rowsOf<{ line: string }>(await db.execute(sql`select ${line} as line ${from} order by ${orderBy}`));
  return rows.map((row) => row.line);
}
