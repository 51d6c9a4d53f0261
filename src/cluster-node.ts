// Node only: KRISKANAL_PROCESSES=auto|N runs N HTTP processes with node:cluster sharing one port,
// for PostgreSQL deployments (DATABASE_URL). The primary serves nothing; it forks the workers and
// replaces any that die. Worker 1 is started first and alone, so migrations and first-start
// bootstrapping run once, and it alone runs the dispatch loop and the scheduled checks (the
// "background" role): the claims are safe from any number of processes, but one loop per machine
// is enough and keeps the other processes' event loops free for requests. PGlite is one process.
import cluster from "node:cluster";
import { availableParallelism } from "node:os";

export const BACKGROUND_ENV = "KRISKANAL_BACKGROUND";

/** How many HTTP processes to run, and why fewer than asked when that is so. */
export function countProcesses(env: Record<string, string | undefined>): { processes: number; note?: string } {
  const asked = env.KRISKANAL_PROCESSES?.trim();
  if (!asked || asked === "1") return { processes: 1 };
  const wanted = asked === "auto" ? availableParallelism() : Number(asked);
  if (!Number.isInteger(wanted) || wanted < 1) {
    return { processes: 1, note: `KRISKANAL_PROCESSES=${asked} is not "auto" or a whole number; running one process` };
  }
  if (!env.DATABASE_URL) {
    return { processes: 1, note: "PGlite is embedded in one process: KRISKANAL_PROCESSES needs DATABASE_URL" };
  }
  if (env.KRISKANAL_DEMO !== "0") {
    return { processes: 1, note: "the demo's stand-in platforms run in one process: set KRISKANAL_DEMO=0" };
  }
  return { processes: wanted };
}

/** In the primary: forks the background worker, waits until it listens, then the others. */
export async function runPrimary(processes: number): Promise<void> {
  const fork = (background: boolean) => {
    const worker = cluster.fork({ [BACKGROUND_ENV]: background ? "1" : "0" });
    worker.once("exit", (code, signal) => {
      if (stopping) return;
      console.error(`process ${worker.process.pid} ended (${signal ?? code}); starting another`);
      fork(background);
    });
    return worker;
  };
  let stopping = false;
  const first = fork(true);
  await new Promise<void>((resolve) => first.once("listening", () => resolve()));
  for (let i = 1; i < processes; i++) fork(false);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    });
  }
}
