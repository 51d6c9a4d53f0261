// The second half of `npm run bench:public` on PostgreSQL: the same incident page served by the
// hub as `npm start` runs it (the prestart bundle in dist/), once with KRISKANAL_PROCESSES=1 and
// once with 2, both on one fresh database and running side by side, measured alternately with
// wrk. wrk's own threads share the same cores, so this shows what a second process buys on this
// machine, not what it buys behind a load balancer on another.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";
import postgres from "postgres";
import { generateSecretKeyBase64 } from "../../src/domain/accounts/secrets";

const REPO = new URL("../../", import.meta.url).pathname;

export interface ServedHub {
  url: string;
  stop(): Promise<void>;
}

export interface ProcessesRun {
  /** The incident page's path, the same on every hub started on this database. */
  path: string;
  start(processes: number): Promise<ServedHub>;
  close(): Promise<void>;
}

/** Builds dist/ if needed, creates a database with an incident of `updates` updates. */
export async function prepareProcessesRun(adminUrl: string, updates: number): Promise<ProcessesRun> {
  await promisify(execFile)(process.execPath, ["src/build/prestart.mjs"], { cwd: REPO });
  const name = `kk_bench_public_${Date.now()}_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  const token = `bench-public-token-${crypto.randomUUID()}`;
  const secretKey = generateSecretKeyBase64();
  const children: ChildProcess[] = [];

  async function start(processes: number): Promise<ServedHub> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: target.href,
      PORT: String(port),
      HOST: "127.0.0.1",
      KRISKANAL_PUBLIC_URL: "https://kris.exempel.se",
      KRISKANAL_PROCESSES: String(processes),
      KRISKANAL_DEMO: "0",
      KRISKANAL_BOOTSTRAP_TOKEN: token,
      KRISKANAL_SECRET_KEY: secretKey,
      KRISKANAL_API_RATE_LIMIT: "0",
      KRISKANAL_PUBLIC_RATE_LIMIT: "0",
      KRISKANAL_LOG: "warn",
    };
    const child = spawn(process.execPath, ["dist/src/node.mjs"], {
      cwd: REPO,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the hub (KRISKANAL_PROCESSES=${processes}) exited while starting`);
      const ok = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 600) throw new Error("the hub did not answer /health within a minute");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Every process must be listening before it is measured: the primary forks them after the first.
    await new Promise((resolve) => setTimeout(resolve, processes > 1 ? 3_000 : 0));
    return {
      url,
      async stop() {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      },
    };
  }

  const first = await start(1);
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${first.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const incident = await call("/api/v1/incidents", { title: "Storm över kommunen", severity: "major" });
  for (let i = 1; i <= updates; i++) {
    await call(`/api/v1/incidents/${incident.id}/updates`, {
      body:
        `Uppdatering ${i}: elavbrott i norra delen av kommunen. Följ informationen här och i våra kanaler. ` +
        "Reparatörer är på plats; nästa lägesbild kommer inom en timme. Trygghetspunkt finns vid skolan.",
    });
  }
  await first.stop();
  return {
    path: `/incidents/${incident.slug}`,
    start,
    async close() {
      for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const drop = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await drop.unsafe(`drop database if exists ${name} with (force)`);
      await drop.end();
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
