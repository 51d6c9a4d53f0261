// npm run bench:start — seconds from `npm start` to the first 200 from the home page, on an empty
// data directory (the demo on, as on a first try) and on a restart of the same directory.
// `npm start` runs prestart first; it is timed too, and is milliseconds once dist/ is up to date.
// Each figure is printed next to the time a bare `node -e` takes to start on this machine in the
// same run, since the machine may be shared. BENCH_RUNS (default 3) runs of each; the median.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PORT = Number(process.env.BENCH_PORT ?? 38_451);
const root = new URL("../..", import.meta.url).pathname;

async function firstOk(url: string, deadlineMs: number): Promise<void> {
  while (performance.now() < deadlineMs) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no 200 from ${url} in time`);
}

/** Spawns `npm start` on `dataDir`, resolves with the seconds to the first 200, then stops it. */
async function timeStart(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: root,
    env: { ...process.env, KRISKANAL_DATA_DIR: dataDir, PORT: String(PORT), HOST: "127.0.0.1", KRISKANAL_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  try {
    await firstOk(`http://127.0.0.1:${PORT}/`, started + 60_000);
    return (performance.now() - started) / 1000;
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-(child.pid as number), "SIGTERM");
    await exited;
  }
}

function bareNodeSeconds(): number {
  const started = performance.now();
  spawnSync(process.execPath, ["-e", "0"]);
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const empty: number[] = [];
const restart: number[] = [];
const bare: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), "kriskanal-start-"));
  try {
    bare.push(bareNodeSeconds());
    empty.push(await timeStart(dir));
    restart.push(await timeStart(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const s = (x: number) => `${x.toFixed(2)} s`;
console.log(`npm start to the first 200 on /, median of ${RUNS} (runs: empty ${empty.map(s).join(", ")}):`);
console.log(`  empty data directory (demo on)   ${s(median(empty))}`);
console.log(`  restart, same data directory     ${s(median(restart))}`);
console.log(`  baseline: bare \`node -e 0\`       ${s(median(bare))}`);
