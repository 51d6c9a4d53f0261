// The zip writer hands out every local header and data descriptor as a piece of its own: a bag of
// 10,000 small files is 30,000 pieces of a few dozen bytes, each a promise and a socket write for
// the reader. Joined into chunks of at least CHUNK_BYTES, the reader's work follows the
// bytes, not the files. Still a pull stream: nothing is read from the zip before the reader asks.
export const CHUNK_BYTES = 64 * 1024;

export function coalesceChunks(source: AsyncIterable<Uint8Array>, size = CHUNK_BYTES): ReadableStream<Uint8Array> {
  const reader = source[Symbol.asyncIterator]();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const joined = () => {
    const out = new Uint8Array(pendingBytes);
    let at = 0;
    for (const piece of pending) {
      out.set(piece, at);
      at += piece.byteLength;
    }
    pending = [];
    pendingBytes = 0;
    return out;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const { done, value } = await reader.next();
          if (done) {
            if (pendingBytes) controller.enqueue(joined());
            controller.close();
            return;
          }
          if (!pendingBytes && value.byteLength >= size) {
            // A large chunk with nothing waiting goes on as it is: no copy of the bulk.
            controller.enqueue(value);
            return;
          }
          pending.push(value);
          pendingBytes += value.byteLength;
          if (pendingBytes >= size) {
            controller.enqueue(joined());
            return;
          }
        }
      },
      cancel: async (reason) => {
        await reader.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
