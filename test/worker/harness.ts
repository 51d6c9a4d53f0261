// The worker in workerd against a fresh PostgreSQL database, with the sandbox platforms running in
// this (Node) process. Started the way `npm run dev:worker` starts it (test/tools/dev-worker.ts),
// without file watching, and reached only over HTTP.
import postgres from "postgres";
import { type OpenDatabase, openPostgres } from "../../src/db/open-node";
import { generateSecretKeyBase64 } from "../../src/domain/accounts/secrets";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { type RunningWorker, startWorkerDev } from "../tools/dev-worker";

/** Hyperdrive's local mode wants a password; the local server trusts and ignores it. */
export const SERVER_URL = process.env.WORKER_TEST_DATABASE_URL ?? "postgres://postgres:local@127.0.0.1:5432/postgres";
export const PUBLIC_URL = "https://kris.worker-test.invalid";
const BOOTSTRAP_TOKEN = "worker-test-bootstrap-token-0123456789";

export interface WorkerHarness {
  worker: RunningWorker;
  sandbox: RunningSandbox;
  /** The test's own connection to the worker's database, for what the API does not show. */
  database: OpenDatabase;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: the answer of whichever route was called, read by path and checked with expect; typing each route's answer is its own change
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

/** vars and secrets: further settings for the worker (e.g. KRISKANAL_OIDC_*). */
export async function startWorkerHarness(
  options: { vars?: Record<string, string>; secrets?: Record<string, string> } = {},
): Promise<WorkerHarness> {
  const name = `kk_worker_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const server = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  await server.unsafe(`create database "${name}"`);
  await server.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  // The project's own migrator, as `npm run db:migrate` runs it before a deploy.
  const database = await openPostgres(url.toString(), { max: 2 });
  const sandbox = await startSandbox();
  let worker: RunningWorker;
  try {
    worker = await startWorkerDev({
      databaseUrl: url.toString(),
      port: 0,
      publicUrl: PUBLIC_URL,
      secretKey: generateSecretKeyBase64(),
      bootstrapToken: BOOTSTRAP_TOKEN,
      vars: { KRISKANAL_LOG: "warn", ...options.vars },
      secrets: options.secrets,
      logLevel: "warn",
      readyTimeoutMs: 60_000,
    });
  } catch (error) {
    await sandbox.close();
    await database.close();
    throw error;
  }
  const get = (path: string, headers: Record<string, string> = {}) => fetch(worker.url + path, { headers });
  return {
    worker,
    sandbox,
    database,
    get,
    async api(method, path, body) {
      const res = await fetch(`${worker.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    async close() {
      await worker.stop();
      await sandbox.close();
      await database.close();
      const again = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists "${name}" with (force)`);
      await again.end();
    },
  };
}

/** Polls until `check` returns a value (not undefined); on time-out says what `explain` last saw. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  explain: () => Promise<unknown> = async () => "",
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(await explain())}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
