// npm run bench:public — the public incident page (50 updates) in a traffic spike, measured with
// wrk in a process of its own (never a load client inside the server's event loop). Each figure
// is printed next to its baseline from the same run: a bare Hono handler on @hono/node-server
// answering the same bytes from a Buffer in memory, which is the ceiling of one Node process on
// this machine. Measured plain and with Accept-Encoding: br, plus 304s and bytes on the wire.
// BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default 256), BENCH_THREADS (default 2),
// BENCH_ROUNDS (default 3): both servers are warmed up first, then measured alternately. Beside
// req/s each run prints this process's CPU time per request answered (wrk is a child process, so
// that is the server's own cost), which a busy shared machine disturbs far less than req/s.
import { execFile } from "node:child_process";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { api, startTestHub } from "../helpers/hub";
import { prepareProcessesRun } from "./public-processes";

const UPDATES = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 256);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
/** Baseline and hub alternate this many times; the median of each is printed (the machine is shared). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const hub = await startTestHub({ env: { KRISKANAL_LOG: "warn" }, deps: { now: () => new Date() } });
const admin = api(hub, hub.token);
const incident = (await admin.post("/api/v1/incidents", { title: "Storm över kommunen", severity: "major" })).json;
for (let i = 1; i <= UPDATES; i++) {
  await admin.post(`/api/v1/incidents/${incident.id}/updates`, {
    body:
      `Uppdatering ${i}: elavbrott i norra delen av kommunen. Följ informationen här och i våra kanaler. ` +
      "Reparatörer är på plats; nästa lägesbild kommer inom en timme. Trygghetspunkt finns vid skolan.",
  });
}
const path = `/incidents/${incident.slug}`;

// The hub, served exactly as src/node.ts serves it.
const hubServer = serve({ fetch: (req) => hub.app.fetch(req, { deps: hub.deps }), port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => hubServer.once("listening", resolve));
const hubUrl = `http://127.0.0.1:${(hubServer.address() as AddressInfo).port}${path}`;

interface Fetched {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One GET with node:http, which neither adds Accept-Encoding nor decompresses: the wire bytes. */
function fetchRaw(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

const plain = await fetchRaw(hubUrl);
const br = await fetchRaw(hubUrl, { "accept-encoding": "br" });
const gz = await fetchRaw(hubUrl, { "accept-encoding": "gzip" });
if (plain.status !== 200 || br.headers["content-encoding"] !== "br") throw new Error("the hub did not serve the page");

// The baseline: a bare Hono handler sending the same bytes from a Buffer, same server adapter.
const bare = new Hono();
bare.get("/plain", (c) => c.body(new Uint8Array(plain.body), 200, { "content-type": "text/html; charset=utf-8" }));
bare.get("/br", (c) =>
  c.body(new Uint8Array(br.body), 200, { "content-type": "text/html; charset=utf-8", "content-encoding": "br" }),
);
// A second baseline: the same bytes with the headers the hub sends (ETag, Cache-Control, CSP,
// Vary, ...), which cost Node's HTTP writer a share of a small response's time in their own right.
const hubHeaders = (fetched: Fetched) =>
  Object.fromEntries(
    Object.entries(fetched.headers)
      .filter(([name]) => !["date", "connection", "keep-alive", "content-length", "transfer-encoding"].includes(name))
      .map(([name, value]) => [name, String(value)]),
  );
// Answered as the hub answers (a Response with a plain header object, which @hono/node-server
// writes without building a Headers object; c.body with headers would take the slower path).
const plainHeaders = hubHeaders(plain);
const brHeaders = hubHeaders(br);
const plainBytes = new Uint8Array(plain.body);
const brBytes = new Uint8Array(br.body);
bare.get("/plain-headers", () => new Response(plainBytes, { status: 200, headers: { ...plainHeaders } }));
bare.get("/br-headers", () => new Response(brBytes, { status: 200, headers: { ...brHeaders } }));
const bareServer = serve({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => bareServer.once("listening", resolve));
const bareBase = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

interface WrkResult {
  perSecond: number;
  /** CPU time of this process (the servers; wrk is a child) per request answered: steadier than req/s on a busy machine. */
  cpuPerRequestUs: number;
  latency: string;
  errors: string;
}

/** wrk runs as a child process; awaited, so the servers in this process keep answering. */
async function wrk(url: string, headers: Record<string, string> = {}, seconds = SECONDS): Promise<WrkResult> {
  const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  const cpuBefore = process.cpuUsage();
  const { stdout: out } = await promisify(execFile)("wrk", [...args, url], { encoding: "utf8" });
  const cpu = process.cpuUsage(cpuBefore);
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN);
  const p99 = /99%\s+(\S+)/.exec(out)?.[1] ?? "?";
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1];
  const socket = /Socket errors:[^\n]*/.exec(out)?.[0];
  return {
    perSecond,
    cpuPerRequestUs: (cpu.user + cpu.system) / requests,
    latency: `p99 ${p99}`,
    errors: [non2xx && `${non2xx} non-2xx/3xx`, socket].filter(Boolean).join(", "),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
/** `withCpu`: the server runs in this process (not for npm start's processes, whose CPU is not ours to read). */
const rate = (r: WrkResult, withCpu = true) =>
  `${r.perSecond.toFixed(0).padStart(7)} req/s  ${withCpu ? `${r.cpuPerRequestUs.toFixed(1).padStart(5)} µs CPU/req  ` : ""}${r.latency.padEnd(12)} ${r.errors}`;

console.log(
  `Public incident page, ${UPDATES} updates, wrk -t${THREADS} -c${CONNECTIONS} -d${SECONDS}s on loopback (median of ${ROUNDS}), one server process, ${
    process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"
  }:`,
);
console.log(
  `  bytes on the wire (body): plain ${kb(plain.body.byteLength)}, gzip ${kb(gz.body.byteLength)}, brotli ${kb(br.body.byteLength)}`,
);
const pairs: [string, string, string, Record<string, string>][] = [
  ["plain", `${bareBase}/plain`, hubUrl, {}],
  ["Accept-Encoding: br", `${bareBase}/br`, hubUrl, { "accept-encoding": "br" }],
  ["plain, baseline sending the hub's headers too", `${bareBase}/plain-headers`, hubUrl, {}],
  [
    "Accept-Encoding: br, baseline sending the hub's headers too",
    `${bareBase}/br-headers`,
    hubUrl,
    { "accept-encoding": "br" },
  ],
];
/** Alternates baseline and hub ROUNDS times, after a warm-up of each (JIT, connection pools). */
async function compare(bareUrl: string, url: string, headers: Record<string, string>) {
  await wrk(bareUrl, headers, 2);
  await wrk(url, headers, 2);
  const baselines: WrkResult[] = [];
  const hubs: WrkResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    baselines.push(await wrk(bareUrl, headers));
    hubs.push(await wrk(url, headers));
  }
  const median = (runs: WrkResult[]) => [...runs].sort((a, b) => a.perSecond - b.perSecond)[runs.length >> 1];
  const cpuMedian = (runs: WrkResult[]) =>
    [...runs].map((r) => r.cpuPerRequestUs).sort((a, b) => a - b)[runs.length >> 1];
  return {
    baseline: median(baselines),
    measured: median(hubs),
    cpuRatio: cpuMedian(hubs) / cpuMedian(baselines),
  };
}

for (const [name, bareUrl, url, headers] of pairs) {
  const { baseline, measured, cpuRatio } = await compare(bareUrl, url, headers);
  console.log(`  ${name}:`);
  console.log(`    baseline, bare Hono handler, same bytes   ${rate(baseline)}`);
  console.log(`    hub, as it serves the page                ${rate(measured)}`);
  console.log(
    `    ratio hub / baseline                      ${(measured.perSecond / baseline.perSecond).toFixed(2)}x req/s, ${cpuRatio.toFixed(2)}x CPU per request (medians)`,
  );
}
const etag = String(br.headers.etag);
const notModified = await wrk(hubUrl, { "accept-encoding": "br", "if-none-match": etag });
console.log(`  hub, 304 to If-None-Match (br)              ${rate(notModified)}`);

hubServer.close();
bareServer.close();
await hub.close();

// Both cores: KRISKANAL_PROCESSES=2 against 1, each the real `npm start` on PostgreSQL.
if (!process.env.TEST_DATABASE_URL) {
  console.log("  KRISKANAL_PROCESSES=2 against 1: skipped, it needs PostgreSQL (set TEST_DATABASE_URL)");
} else {
  const run = await prepareProcessesRun(process.env.TEST_DATABASE_URL, UPDATES);
  try {
    const one = await run.start(1);
    const two = await run.start(2);
    const headers = { "accept-encoding": "br" };
    const { baseline, measured } = await compare(`${one.url}${run.path}`, `${two.url}${run.path}`, headers);
    console.log(`  npm start on PostgreSQL, Accept-Encoding: br (median of ${ROUNDS}):`);
    console.log(`    KRISKANAL_PROCESSES=1                     ${rate(baseline, false)}`);
    console.log(`    KRISKANAL_PROCESSES=2                     ${rate(measured, false)}`);
    console.log(
      `    ratio 2 / 1                               ${(measured.perSecond / baseline.perSecond).toFixed(2)}x`,
    );
  } finally {
    await run.close();
  }
}
