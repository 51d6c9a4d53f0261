// CSV registers as RFC 4180 has them: CRLF line ends, a header row, and a field quoted (with
// its quotes doubled) when it holds a comma, a quote, CR or LF. UTF-8 without a byte-order mark.
// Field text is kept exactly as recorded: an archive must not rewrite what people wrote.
export type CsvValue = string | number | boolean | Date | null | undefined | object;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  const text =
    value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: CsvValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

export interface CsvColumn<T> {
  header: string;
  value(row: T): CsvValue;
}

/** Text handed on once it reaches this many UTF-16 units: big enough for few writes, small enough to hold. */
export const TEXT_CHUNK = 128 * 1024;

/** A register streamed page by page: the header, then one line per row. */
export async function* csvLines<T>(columns: CsvColumn<T>[], rows: AsyncIterable<T[]>): AsyncGenerator<string> {
  yield csvRow(columns.map((c) => c.header));
  const values = columns.map((c) => c.value);
  for await (const page of rows) {
    let chunk = "";
    for (const row of page) {
      let line = "";
      for (let i = 0; i < values.length; i++) line += (i ? "," : "") + csvField(values[i](row));
      chunk += `${line}\r\n`;
      if (chunk.length >= TEXT_CHUNK) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
}
