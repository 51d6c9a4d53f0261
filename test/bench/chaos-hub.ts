// The hub under test as a child process (`node --import tsx src/node.ts`, one process, so a
// SIGKILL takes the hub down at once with nothing left running), on a fresh PostgreSQL database
// made for the run or on PGlite in a temporary directory. The same settings on every restart,
// as a supervisor would bring it back.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { generateSecretKeyBase64 } from "../../src/domain/accounts/secrets";

export interface HubSettings {
  /** PostgreSQL server to create the run's database on; PGlite when absent. */
  adminDatabaseUrl?: string;
  leaseMs: number;
  dispatchIntervalMs: number;
}

export interface ChaosHub {
  url: string;
  token: string;
  database: string;
  logPath: string;
  /** Starts the hub and waits until /health answers. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no draining, leases left as they are. */
  kill(): Promise<void>;
  /** SIGTERM, then removes the database and the temporary directory. */
  close(): Promise<void>;
}

const REPO = new URL("../../", import.meta.url).pathname;

export async function createChaosHub(settings: HubSettings): Promise<ChaosHub> {
  const dir = mkdtempSync(join(tmpdir(), "kk-chaos-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const token = `chaos-bench-token-${crypto.randomUUID()}`;
  const logPath = join(dir, "hub.log");
  const log = openSync(logPath, "a");
  const databaseName = `kk_chaos_${Date.now()}_${process.pid}`;
  let databaseUrl: string | undefined;
  if (settings.adminDatabaseUrl) {
    const admin = postgres(settings.adminDatabaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${databaseName}`);
    await admin.end();
    const target = new URL(settings.adminDatabaseUrl);
    target.pathname = `/${databaseName}`;
    databaseUrl = target.href;
  }
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: "127.0.0.1",
    KRISKANAL_PUBLIC_URL: url,
    KRISKANAL_DATA_DIR: join(dir, "data"),
    KRISKANAL_DEMO: "0",
    KRISKANAL_BOOTSTRAP_TOKEN: token,
    KRISKANAL_SECRET_KEY: generateSecretKeyBase64(),
    KRISKANAL_LEASE_MS: String(settings.leaseMs),
    KRISKANAL_DISPATCH_INTERVAL_MS: String(settings.dispatchIntervalMs),
    KRISKANAL_API_RATE_LIMIT: "0",
    KRISKANAL_LOG: "warn",
  };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  let child: ChildProcess | null = null;

  async function waitForHealth(started: ChildProcess): Promise<void> {
    for (;;) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`the hub exited while starting (${started.exitCode ?? started.signalCode}); see ${logPath}`);
      }
      try {
        const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    url,
    token,
    database: databaseUrl ? `PostgreSQL (database ${databaseName})` : `PGlite in ${join(dir, "data")}`,
    logPath,
    async start() {
      child = spawn(process.execPath, ["--import", "tsx", "src/node.ts"], {
        cwd: REPO,
        env,
        stdio: ["ignore", log, log],
      });
      await waitForHealth(child);
    },
    async kill() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGKILL");
      await exited;
      child = null;
    },
    async close() {
      const running = child;
      if (running && running.exitCode === null) {
        const exited = new Promise((resolve) => running.once("exit", resolve));
        running.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (running.exitCode === null) running.kill("SIGKILL");
      }
      if (settings.adminDatabaseUrl && !process.env.BENCH_KEEP_DB) {
        const admin = postgres(settings.adminDatabaseUrl, { max: 1, onnotice: () => {} });
        await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
        await admin.end();
      }
      if (!process.env.BENCH_KEEP_DB) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
