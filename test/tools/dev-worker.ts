// Node-only: `npm run dev:worker` runs src/workers/worker.ts in workerd through wrangler (offline), and
// test/worker starts the same thing. Settings come from the environment: DATABASE_URL becomes
// Hyperdrive's local connection string, and secrets are handed over as secret bindings, never as
// --var (wrangler prints those in its bindings table).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_startWorker } from "wrangler";
import { generateSecretKeyBase64 } from "../../src/domain/accounts/secrets";

export const PROJECT_DIR = fileURLToPath(new URL("../..", import.meta.url));
const DEFAULT_PORT = 8787;
/** Hyperdrive's local mode refuses a connection string without a password; trust auth ignores it. */
const PLACEHOLDER_PASSWORD = "local";

export interface WorkerDevOptions {
  databaseUrl: string;
  port?: number;
  host?: string;
  publicUrl?: string;
  secretKey: string;
  bootstrapToken?: string;
  /** Further plain settings (KRISKANAL_LOG, KRISKANAL_ORG_NAME ...). */
  vars?: Record<string, string>;
  /** Further secrets (KRISKANAL_OIDC_CLIENT_SECRET ...), bound as secrets. */
  secrets?: Record<string, string>;
  /** Rebuild when a source file changes (dev); tests keep one build. */
  watch?: boolean;
  /** Give up when the worker is not up by then (a build error is only logged, never thrown). */
  readyTimeoutMs?: number;
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
}

export interface RunningWorker {
  url: string;
  /** Runs the cron handler once, as Cloudflare would on a trigger (locally cron never fires). */
  triggerCron(cron: string): Promise<Response>;
  stop(): Promise<void>;
}

/** Hyperdrive (local mode) needs a password in the URL; add a placeholder when there is none. */
export function withPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.password) url.password = PLACEHOLDER_PASSWORD;
  return url.toString();
}

export async function startWorkerDev(options: WorkerDevOptions): Promise<RunningWorker> {
  const host = options.host ?? "127.0.0.1";
  // wrangler reads the local Hyperdrive connection string for binding HYPERDRIVE from here.
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = withPassword(options.databaseUrl);
  const secret = (value: string) => ({ type: "secret_text" as const, value });
  const plain = (value: string) => ({ type: "plain_text" as const, value });
  const bindings: Record<string, ReturnType<typeof secret> | ReturnType<typeof plain>> = {
    KRISKANAL_SECRET_KEY: secret(options.secretKey),
  };
  if (options.bootstrapToken) bindings.KRISKANAL_BOOTSTRAP_TOKEN = secret(options.bootstrapToken);
  for (const [name, value] of Object.entries(options.vars ?? {})) bindings[name] = plain(value);
  for (const [name, value] of Object.entries(options.secrets ?? {})) bindings[name] = secret(value);
  const port = options.port ?? DEFAULT_PORT;
  const publicUrl = options.publicUrl ?? `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
  bindings.KRISKANAL_PUBLIC_URL = plain(publicUrl);
  const worker = await unstable_startWorker({
    config: join(PROJECT_DIR, "wrangler.toml"),
    // Only what is passed here: no .dev.vars or .env from the working directory.
    envFiles: [],
    bindings,
    sendMetrics: false,
    build: { nodejsCompatMode: "v2" },
    dev: {
      server: { hostname: host, port },
      inspector: false,
      // Local queues and the edge cache live in memory: a restart starts clean, like a new isolate.
      persist: false,
      watch: options.watch ?? false,
      logLevel: options.logLevel ?? "info",
    },
  });
  await waitUntilReady(worker.ready, options.readyTimeoutMs, () => worker.dispose());
  const url = (await worker.url).toString().replace(/\/$/, "");
  return {
    url,
    triggerCron: (cron) => fetch(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}`),
    stop: () => worker.dispose(),
  };
}

async function waitUntilReady(ready: Promise<void>, timeoutMs: number | undefined, dispose: () => Promise<void>) {
  if (!timeoutMs) return ready;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const result = await Promise.race([ready, timedOut]);
  clearTimeout(timer);
  if (result === "timeout") {
    await dispose();
    throw new Error(`The worker did not start within ${timeoutMs} ms; see wrangler's build errors above.`);
  }
}

/** KRISKANAL_SECRET_KEY, or one generated once under .wrangler/ so local credentials stay readable. */
export function devSecretKey(env: Record<string, string | undefined>): string {
  if (env.KRISKANAL_SECRET_KEY) return env.KRISKANAL_SECRET_KEY;
  const dir = join(PROJECT_DIR, ".wrangler", "kriskanal");
  const path = join(dir, "secret.key");
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, generateSecretKeyBase64(), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return readFileSync(path, "utf8").trim();
}

/** Settings handled apart from the plain ones: never passed as --var. */
const SECRET_SETTINGS = new Set(["KRISKANAL_SECRET_KEY", "KRISKANAL_BOOTSTRAP_TOKEN", "KRISKANAL_PURGE_API_TOKEN"]);
/** Further secrets passed on from the environment as secret bindings. */
const PASSED_SECRETS = ["KRISKANAL_OIDC_CLIENT_SECRET"];

/** KRISKANAL_* settings from the environment other than the ones handled as secrets. */
function plainSettings(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] =>
        e[0].startsWith("KRISKANAL_") &&
        !SECRET_SETTINGS.has(e[0]) &&
        !PASSED_SECRETS.includes(e[0]) &&
        e[1] !== undefined,
    ),
  );
}

function secretSettings(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    PASSED_SECRETS.flatMap((name) => {
      const value = env[name];
      return value ? [[name, value]] : [];
    }),
  );
}

async function main() {
  const env = process.env;
  if (!env.DATABASE_URL) {
    console.error(
      "DATABASE_URL is not set. The worker reaches PostgreSQL through Hyperdrive; locally give it e.g.\n" +
        "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/kriskanal npm run db:migrate\n" +
        "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/kriskanal npm run dev:worker",
    );
    process.exit(1);
  }
  const running = await startWorkerDev({
    databaseUrl: env.DATABASE_URL,
    port: env.PORT ? Number(env.PORT) : undefined,
    host: env.HOST,
    publicUrl: env.KRISKANAL_PUBLIC_URL,
    secretKey: devSecretKey(env),
    bootstrapToken: env.KRISKANAL_BOOTSTRAP_TOKEN,
    vars: plainSettings(env),
    secrets: secretSettings(env),
    watch: true,
  });
  console.log(`\nKriskanal (Workers, in workerd) is listening on ${running.url}`);
  console.log(
    `Cron does not fire locally; run it with: curl "${running.url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*"\n`,
  );
  if (!env.KRISKANAL_BOOTSTRAP_TOKEN) console.log("Set KRISKANAL_BOOTSTRAP_TOKEN to get an admin API token.");
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      running.stop().finally(() => process.exit(0));
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
