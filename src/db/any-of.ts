// `column = any($1)` with the list as one array parameter. drizzle's inArray makes a parameter
// (and a query-builder step) of every id: for a page of a few thousand ids that cost more CPU
// than the rows it fetched (the archive's report, profiled). The planner uses the column's index
// for either form.
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

/** The Postgres array literal of some texts: each quoted, with its quotes and backslashes escaped. */
export function arrayLiteral(values: readonly string[]): string {
  // Ids (the usual case) need no quoting; quoting every one showed in the profile.
  if (values.every((v) => PLAIN.test(v))) return `{${values.join(",")}}`;
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}

/** Array elements written bare: not NULL (which would be read as a null), nothing to escape. */
const PLAIN = /^(?!null$)[0-9a-z-]+$/i;

export function anyOf(column: SQLWrapper, values: readonly string[], type: "uuid" | "text"): SQL {
  return sql`${column} = any(${arrayLiteral(values)}::${sql.raw(type)}[])`;
}
