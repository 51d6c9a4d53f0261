// A small load generator in a process of its own: `connections` loops, each sending GETs back to
// back for `seconds`, optionally with If-None-Match. Prints one JSON line with the counts and
// latency percentiles. Kept apart from the server so the two do not share an event loop.
export {};

const [url, connections, seconds, etag] = process.argv.slice(2);
const until = performance.now() + Number(seconds) * 1000;
const latencies: number[] = [];
const statuses: Record<number, number> = {};

async function loop(): Promise<void> {
  while (performance.now() < until) {
    const started = performance.now();
    const res = await fetch(url, { headers: etag ? { "if-none-match": etag } : {} });
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: Number(connections) }, loop));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), statuses })}\n`,
);
