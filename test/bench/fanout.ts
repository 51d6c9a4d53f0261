// npm run bench:fanout — one update to 100 accounts on a stand-in platform that answers after
// 200 ms, through the real API, dispatch loop, adapters and database (PGlite, or PostgreSQL when
// TEST_DATABASE_URL is set). Prints the time from publish to all delivered next to the measured
// platform latency (the aim: within 1.5 times it) and deliveries per second, and next to the same
// 100 requests sent straight to the stand-ins (the aim: the hub adds at most 20 ms). The stand-ins
// run in child processes, so their work does not count against the hub's event loop:
// BENCH_STANDIN_PROCESSES (default 1) of them, each serving a share of the accounts on its own port.
// BENCH_TRACE=1 prints, per run, when each phase happened (fanout-trace.ts); BENCH_PROFILE=file
// writes a CPU profile of the hub's process over the measured runs only (open it in Chrome DevTools).
// BENCH_HANDOFF=0 leaves the publish's deliveries to the loop's claim, as before the handoff.
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { and, count, eq, inArray } from "drizzle-orm";
import { deliveries } from "../../src/db/schema";
import { startDispatchLoop } from "../../src/dispatcher/loop";
import { registerAccount } from "../../src/domain/accounts/accounts";
import { SYSTEM_ACTOR } from "../../src/domain/people/actor";
import { createPlatforms } from "../../src/platforms/index";
import { type SandboxAccount, sandboxAccounts } from "../../src/sandbox/index";
import { api, startTestHub } from "../helpers/hub";
import { startStandIns } from "./fanout-standins";
import { traceFanOut } from "./fanout-trace";

const ACCOUNTS = 100;
const LATENCY_MS = 200;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PROCESSES = Math.max(1, Number(process.env.BENCH_STANDIN_PROCESSES ?? 1));
const TRACE = process.env.BENCH_TRACE === "1";

const standIns = await startStandIns(PROCESSES, LATENCY_MS);
const mastodons = standIns.urls.map((url) => {
  const account = sandboxAccounts(url).find((a) => a.platform === "mastodon");
  if (!account) throw new Error("the sandbox has no Mastodon stand-in");
  return account;
});
/** Account i lives on stand-in i mod PROCESSES. */
const standInOf = (i: number) => mastodons[i % PROCESSES];

const measuredLatency = await measurePlatformLatency(mastodons[0]);
// A stand-in process serves requests one at a time on a shared core, so 100 at once take longer
// than one: this floor, measured without the hub, shows how much of the fan-out time is the hub's.
const directFanOut = await measureDirectFanOut(standInOf, "spread");
// With several stand-ins, the same 100 requests to one of them shows what one process would cost.
const directOneProcess = PROCESSES > 1 ? await measureDirectFanOut(() => mastodons[0], "one") : directFanOut;
const hub = await startTestHub({
  env: { KRISKANAL_LOG: "warn" },
  deps: { now: () => new Date(), platforms: createPlatforms() },
});
hub.deps.log = { ...hub.deps.log, debug() {}, info() {} };
for (let i = 0; i < ACCOUNTS; i++) {
  await registerAccount(hub.deps, SYSTEM_ACTOR, { ...standInOf(i), handle: `bank${i}`, sandbox: true });
}
const trace = TRACE ? traceFanOut(hub.deps) : null;
const loop = startDispatchLoop(hub.deps, { intervalMs: 60_000 });
hub.deps.signalDeliveries = () => loop.wake();
// As src/node.ts wires it: a publish leases what it can send at once to the loop and hands it over.
if (process.env.BENCH_HANDOFF !== "0") hub.deps.deliveryHandoff = loop.handoff;
let delivered: (() => void) | null = null;
hub.deps.onPublicChange = () => delivered?.();

const admin = api(hub, hub.token);
const incident = (await admin.post("/api/v1/incidents", { title: "Prestandaprov", severity: "info" })).json;

const results: number[] = [];
const profiler = process.env.BENCH_PROFILE ? new Session() : null;
for (let run = 0; run <= RUNS; run++) {
  const ms = await fanOutOnce(run);
  if (run === 0) {
    console.log(`warm-up: ${ms.toFixed(0)} ms`);
    if (profiler) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
  } else {
    results.push(ms);
    console.log(
      `run ${run}: publish -> all ${ACCOUNTS} delivered in ${ms.toFixed(0)} ms ` +
        `(${(ms / measuredLatency).toFixed(2)}x the platform latency), ${((ACCOUNTS * 1000) / ms).toFixed(0)} deliveries/s`,
    );
  }
}
if (profiler && process.env.BENCH_PROFILE) {
  const { profile } = await profiler.post("Profiler.stop");
  await writeFile(process.env.BENCH_PROFILE, JSON.stringify(profile));
  profiler.disconnect();
}
const median = [...results].sort((a, b) => a - b)[Math.floor(results.length / 2)];
const where = `${PROCESSES} stand-in process${PROCESSES > 1 ? "es" : ""}`;
console.log(
  `\nFan-out to ${ACCOUNTS} accounts on ${hub.deps.config.databaseUrl || process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"}, ${where}: ` +
    `platform latency ${measuredLatency.toFixed(0)} ms (set ${LATENCY_MS} ms); median publish -> all delivered ` +
    `${median.toFixed(0)} ms = ${(median / measuredLatency).toFixed(2)}x latency (aim <= 1.5x); ` +
    `${((ACCOUNTS * 1000) / median).toFixed(0)} deliveries/s`,
);
console.log(
  `Baseline in the same run: ${ACCOUNTS} concurrent requests straight to the ${where} (no hub) take ` +
    `${directFanOut.toFixed(0)} ms = ${(directFanOut / measuredLatency).toFixed(2)}x latency; ` +
    `the hub adds ${(median - directFanOut).toFixed(0)} ms (publish, commit, claim, send, record; aim <= 20 ms).`,
);
if (PROCESSES > 1) {
  console.log(
    `The same ${ACCOUNTS} requests to one stand-in process take ${directOneProcess.toFixed(0)} ms = ` +
      `${(directOneProcess / measuredLatency).toFixed(2)}x latency.`,
  );
}
await loop.stop();
await hub.close();
standIns.close();

async function fanOutOnce(run: number): Promise<number> {
  const traced = trace?.begin();
  const started = performance.now();
  const res = await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body: `Prov ${run}: allt fungerar.` });
  if (res.status !== 201) throw new Error(res.text);
  traced?.published();
  const ids = res.json.deliveries.map((d: { id: string }) => d.id);
  const done = async () => {
    const [row] = await hub.deps.db
      .select({ n: count() })
      .from(deliveries)
      .where(and(inArray(deliveries.id, ids), eq(deliveries.status, "published")));
    return Number(row.n) === ids.length;
  };
  while (!(await done())) {
    // Woken by each recorded batch; the timer only guards against a missed wake.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1_000);
      delivered = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  const ended = performance.now();
  if (traced) console.log(traced.summary(ended));
  return ended - started;
}

/** The median of 3 rounds of ACCOUNTS concurrent posts, each to the stand-in `target(i)`. */
async function measureDirectFanOut(target: (i: number) => SandboxAccount, label: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: ACCOUNTS }, async (_, i) => {
        const account = target(i);
        const res = await fetch(`${account.baseUrl}/api/v1/statuses`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${account.credential.accessToken}`,
            "content-type": "application/json",
            "idempotency-key": `direct-${label}-${run}-${i}`,
          },
          body: JSON.stringify({ status: `direkt ${run}/${i} https://kris.exempel.se/prov/${run}/${i}` }),
        });
        await res.text();
      }),
    );
    times.push(performance.now() - started);
  }
  return [...times].sort((a, b) => a - b)[1];
}

async function measurePlatformLatency(account: SandboxAccount): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await fetch(`${account.baseUrl}/api/v1/statuses`, {
      method: "POST",
      headers: { authorization: `Bearer ${account.credential.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ status: `latensprov ${i}` }),
    });
    times.push(performance.now() - started);
  }
  return Math.min(...times);
}
