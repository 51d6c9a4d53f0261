// Cloudflare Workers entry: the same createApp(), with Deps built per request from the env
// bindings. Full Workers support (queue consumer, cron sweep, edge cache) grows here.
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { createApp } from "./app";
import { parseConfig } from "./config";
import type { Db } from "./db/client";
import * as schema from "./db/schema";
import { assembleDeps } from "./deps";
import { importSecretKey } from "./domain/secrets";
import { createLog } from "./log";
import { createPlatforms } from "./platforms/index";
import { createPublicCache } from "./render/public-cache";
import { createRenderer } from "./render/renderer";
import { templateSources } from "./render/template-sources";

export interface Env {
  HYPERDRIVE?: { connectionString: string };
  DATABASE_URL?: string;
  KRISKANAL_SECRET_KEY?: string;
  [key: string]: unknown;
}

interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

// Compiled once per isolate at start-up: workerd refuses code generation inside a request.
const renderer = createRenderer(templateSources);
const platforms = createPlatforms();
const publicCache = createPublicCache();
const app = createApp();

function stringEnv(env: Env): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> {
    const config = parseConfig(stringEnv(env));
    const url = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
    if (!url) return new Response("No database binding (HYPERDRIVE) or DATABASE_URL.", { status: 503 });
    if (!env.KRISKANAL_SECRET_KEY) return new Response("KRISKANAL_SECRET_KEY is not set.", { status: 503 });
    // A client per request with a small pool, as Cloudflare recommends with Hyperdrive.
    const sql = postgres(url, { max: 5, fetch_types: false, prepare: true });
    const deps = assembleDeps({
      db: drizzle(sql, { schema }) as unknown as Db,
      config,
      log: createLog(config.logLevel),
      secretKey: await importSecretKey(env.KRISKANAL_SECRET_KEY),
      render: renderer,
      platforms,
      publicCache,
      defer: (work) => ctx.waitUntil(work),
    });
    try {
      return await app.fetch(request, { deps });
    } finally {
      ctx.waitUntil(sql.end({ timeout: 5 }));
    }
  },
};
