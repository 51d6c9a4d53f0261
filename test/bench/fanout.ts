// npm run bench:fanout — one update to 100 accounts on a stand-in platform that answers after
// 200 ms, through the real API, dispatch loop, adapters and database (PGlite, or PostgreSQL when
// TEST_DATABASE_URL is set). Prints the time from publish to all delivered next to the measured
// platform latency (the aim: within 1.5 times it) and deliveries per second. The stand-in runs in
// a child process, so its work does not count against the hub's event loop.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { and, count, eq, inArray } from "drizzle-orm";
import { deliveries } from "../../src/db/schema";
import { startDispatchLoop } from "../../src/dispatcher/loop";
import { registerAccount } from "../../src/domain/accounts/accounts";
import { SYSTEM_ACTOR } from "../../src/domain/people/actor";
import { createPlatforms } from "../../src/platforms/index";
import { sandboxAccounts } from "../../src/sandbox/index";
import { api, startTestHub } from "../helpers/hub";

const ACCOUNTS = 100;
const LATENCY_MS = 200;
const RUNS = 3;

const platform = spawn(
  process.execPath,
  ["--import", "tsx", new URL("./fanout-platform.ts", import.meta.url).pathname, String(LATENCY_MS)],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const sandboxUrl = await new Promise<string>((resolve, reject) => {
  platform.once("exit", (code) => reject(new Error(`the stand-in platform exited (${code})`)));
  createInterface({ input: platform.stdout }).once("line", (line) => resolve(JSON.parse(line).url));
});
const mastodon = sandboxAccounts(sandboxUrl).find((a) => a.platform === "mastodon");
if (!mastodon) throw new Error("the sandbox has no Mastodon stand-in");

const measuredLatency = await measurePlatformLatency();
// The stand-in serves requests one at a time on its own core, so 100 at once take longer than one:
// this floor, measured without the hub, shows how much of the fan-out time is the hub's own.
const directFanOut = await measureDirectFanOut();
const hub = await startTestHub({
  env: { KRISKANAL_LOG: "warn" },
  deps: { now: () => new Date(), platforms: createPlatforms() },
});
hub.deps.log = { ...hub.deps.log, debug() {}, info() {} };
for (let i = 0; i < ACCOUNTS; i++) {
  await registerAccount(hub.deps, SYSTEM_ACTOR, { ...mastodon, handle: `bank${i}`, sandbox: true });
}
const loop = startDispatchLoop(hub.deps, { intervalMs: 60_000 });
hub.deps.signalDeliveries = () => loop.wake();
let delivered: (() => void) | null = null;
hub.deps.onPublicChange = () => delivered?.();

const admin = api(hub, hub.token);
const incident = (await admin.post("/api/v1/incidents", { title: "Prestandaprov", severity: "info" })).json;

const results: number[] = [];
for (let run = 0; run <= RUNS; run++) {
  const ms = await fanOutOnce(run);
  if (run === 0) console.log(`warm-up: ${ms.toFixed(0)} ms`);
  else {
    results.push(ms);
    console.log(
      `run ${run}: publish -> all ${ACCOUNTS} delivered in ${ms.toFixed(0)} ms ` +
        `(${(ms / measuredLatency).toFixed(2)}x the platform latency), ${((ACCOUNTS * 1000) / ms).toFixed(0)} deliveries/s`,
    );
  }
}
const median = [...results].sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(
  `\nFan-out to ${ACCOUNTS} accounts on ${hub.deps.config.databaseUrl || process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"}: ` +
    `platform latency ${measuredLatency.toFixed(0)} ms (set ${LATENCY_MS} ms); median publish -> all delivered ` +
    `${median.toFixed(0)} ms = ${(median / measuredLatency).toFixed(2)}x latency (aim <= 1.5x); ` +
    `${((ACCOUNTS * 1000) / median).toFixed(0)} deliveries/s`,
);
console.log(
  `Baseline in the same run: ${ACCOUNTS} concurrent requests straight to the stand-in (no hub) take ` +
    `${directFanOut.toFixed(0)} ms = ${(directFanOut / measuredLatency).toFixed(2)}x latency; ` +
    `the hub adds ${(median - directFanOut).toFixed(0)} ms (publish, commit, claim, send, record).`,
);
await loop.stop();
await hub.close();
platform.removeAllListeners("exit");
platform.stdin.end();

async function fanOutOnce(run: number): Promise<number> {
  const started = performance.now();
  const res = await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body: `Prov ${run}: allt fungerar.` });
  if (res.status !== 201) throw new Error(res.text);
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
  return performance.now() - started;
}

async function measureDirectFanOut(): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: ACCOUNTS }, async (_, i) => {
        const res = await fetch(`${mastodon?.baseUrl}/api/v1/statuses`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${mastodon?.credential.accessToken}`,
            "content-type": "application/json",
            "idempotency-key": `direct-${run}-${i}`,
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

async function measurePlatformLatency(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await fetch(`${mastodon?.baseUrl}/api/v1/statuses`, {
      method: "POST",
      headers: { authorization: `Bearer ${mastodon?.credential.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ status: `latensprov ${i}` }),
    });
    times.push(performance.now() - started);
  }
  return Math.min(...times);
}
