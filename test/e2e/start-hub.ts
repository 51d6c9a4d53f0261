// The real hub for browser tests and screenshots: src/node.ts's startNode on a free local port,
// in demo mode (sandbox platforms in-process, one account per platform, Anna Andersson), with a
// fresh data directory, or a fresh PostgreSQL database when TEST_DATABASE_URL is set.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { DEMO_PASSWORD } from "../../src/demo";
import { startNode } from "../../src/node";

export const DEMO_EMAIL = "anna.andersson@exempelkommun.se";
export { DEMO_PASSWORD };
export const BOOTSTRAP_TOKEN = "e2e-bootstrap-token-0123456789abcdef";

export interface E2eHub {
  url: string;
  deps: Awaited<ReturnType<typeof startNode>>["deps"];
  /** Base URL of the sandbox platforms (for their /_control switches). */
  sandboxUrl(): Promise<string>;
  /** A JSON call to the API with the bootstrap admin token. */
  // biome-ignore lint/suspicious/noExplicitAny: the answer of whichever route was called, read by path and checked with expect; typing each route's answer is its own change
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return null;
  const name = `kk_e2e_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = postgres(base, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists "${name}" with (force)`);
      await again.end();
    },
  };
}

/** options.port: a port chosen beforehand (an identity provider must know the redirect URI first). */
export async function startE2eHub(options: { port?: number; env?: Record<string, string> } = {}): Promise<E2eHub> {
  const dataDir = mkdtempSync(join(tmpdir(), "kriskanal-e2e-"));
  const database = await freshDatabase();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const node = await startNode({
    PORT: String(port),
    HOST: "127.0.0.1",
    KRISKANAL_PUBLIC_URL: url,
    KRISKANAL_DATA_DIR: dataDir,
    KRISKANAL_DEMO: "1",
    KRISKANAL_LOG: "warn",
    KRISKANAL_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
    KRISKANAL_DISPATCH_INTERVAL_MS: "250",
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  });
  const api: E2eHub["api"] = async (method, path, body) => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  return {
    url,
    deps: node.deps,
    api,
    async sandboxUrl() {
      const { json } = await api("GET", "/api/v1/accounts");
      const mastodon = json.accounts.find((a: { platform: string }) => a.platform === "mastodon");
      return mastodon.baseUrl.replace(/\/mastodon$/, "");
    },
    async stop() {
      await node.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
