// Streaming a list of texts as one text: between an opening and a closing, joined by a separator,
// handed on in pieces of about TEXT_CHUNK so that neither a whole register nor a write per line
// is held or made.
import { TEXT_CHUNK } from "./csv";

/** Lines joined by `separator` between `open` and `close`, handed on in texts of about TEXT_CHUNK. */
export async function* joinLines(
  batches: AsyncIterable<string[]>,
  open: string,
  separator: string,
  close: string,
): AsyncGenerator<string> {
  let chunk = open;
  let first = true;
  for await (const lines of batches) {
    for (const line of lines) {
      chunk += first ? line : separator + line;
      first = false;
      if (chunk.length >= TEXT_CHUNK) {
        yield chunk;
        chunk = "";
      }
    }
  }
  yield chunk + close;
}

/** Each page of items as the page of their texts. */
export async function* encodeEach<T>(pages: AsyncIterable<T[]>, encode: (item: T) => string): AsyncGenerator<string[]> {
  for await (const page of pages) yield page.map(encode);
}
