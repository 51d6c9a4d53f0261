// Workers only: Deps for one invocation (a request, a queue batch, a cron tick), built from the
// env bindings. What can live for the whole isolate (compiled templates, adapters, the render
// cache, the imported key) is made once; the database client is made per invocation, as
// Cloudflare recommends with Hyperdrive, and closed after the response.

import type { ExecutionContext, Hyperdrive, Queue } from "@cloudflare/workers-types/index";
import resvgWasm from "@resvg/resvg-wasm/index_bg.wasm";
import { sql as sqlTag } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { type Config, parseConfig } from "../config";
import type { Db } from "../db/client";
import * as schema from "../db/schema";
import { assembleDeps, type Deps } from "../deps";
import { importSecretKey } from "../domain/accounts/secrets";
import { ensureBootstrapAdmin } from "../domain/people/tokens";
import { ensureOrganisation } from "../domain/publishing/organisation";
import { seedStarterTemplates } from "../domain/publishing/starter-templates";
import { createLog, type Log } from "../log";
import { createPlatforms } from "../platforms/index";
import { createPublicCache } from "../render/public-cache";
import { provideResvgWasm } from "../render/rasterise-logo";
import { createRenderer } from "../render/renderer";
import { templateSources } from "../render/template-sources";
import { createEdgeCache, type EdgeCache, type EdgeCacheStore } from "./edge-cache";
import { createWorkersImaging } from "./imaging";

/** One queue message per delivery: the consumer handles (and retries) each on its own. */
export interface DeliveryMessage {
  deliveryId: string;
}

export interface Env {
  HYPERDRIVE?: Hyperdrive;
  /** Without Hyperdrive (e.g. a database reachable from Workers directly). */
  DATABASE_URL?: string;
  DELIVERIES?: Queue<DeliveryMessage>;
  KRISKANAL_SECRET_KEY?: string;
  KRISKANAL_BOOTSTRAP_TOKEN?: string;
  /** With both set, a publish purges its pages in every Cloudflare data centre, not only the local one. */
  KRISKANAL_PURGE_ZONE_ID?: string;
  KRISKANAL_PURGE_API_TOKEN?: string;
  [key: string]: unknown;
}

/** Messages a queue accepts per sendBatch call. */
const QUEUE_BATCH = 100;

// Compiled once per isolate at start-up: workerd refuses code generation inside a request.
const renderer = createRenderer(templateSources);
// wrangler imports a .wasm file as a compiled WebAssembly.Module (its default CompiledWasm rule).
provideResvgWasm(() => resvgWasm);
const platforms = createPlatforms();
const publicCache = createPublicCache();
const imaging = createWorkersImaging();
const keys = new Map<string, Promise<CryptoKey>>();
let bootstrapped: Promise<void> | undefined;

export class MissingBindingError extends Error {}

export interface Invocation {
  deps: Deps;
  config: Config;
  log: Log;
  edge: EdgeCache;
  /** Resolves once the edge has forgotten what this invocation changed (read-your-writes for the publisher). */
  settlePurges(): Promise<void>;
  /** Ends the database client once the invocation's deferred work is done. */
  close(): void;
}

/** Config from the string bindings (vars and secrets); what is not a string is a binding. */
export function readConfig(env: Env): Config {
  const strings = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string"));
  return parseConfig(strings as Record<string, string>);
}

/** The edge cache for this invocation; it needs no database, so cache hits never open one. */
export function openEdgeCache(env: Env, ctx: ExecutionContext, config: Config, log: Log): EdgeCache {
  const store = (globalThis as unknown as { caches?: { default?: EdgeCacheStore } }).caches?.default;
  return createEdgeCache({
    store: store ?? noEdgeStore,
    publicUrl: config.publicUrl,
    defer: (work) => ctx.waitUntil(work.catch((error) => log.warn("edge cache", { error: String(error) }))),
    fetch: (input, init) => fetch(input, init),
    zone:
      env.KRISKANAL_PURGE_ZONE_ID && env.KRISKANAL_PURGE_API_TOKEN
        ? { zoneId: env.KRISKANAL_PURGE_ZONE_ID, apiToken: env.KRISKANAL_PURGE_API_TOKEN }
        : undefined,
    log: (message, data) => log.warn(message, data),
  });
}

const noEdgeStore: EdgeCacheStore = {
  match: async () => undefined,
  put: async () => {},
  delete: async () => false,
};

export async function openInvocation(env: Env, ctx: ExecutionContext): Promise<Invocation> {
  const config = readConfig(env);
  const log = createLog(config.logLevel);
  const url = env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
  if (!url) throw new MissingBindingError("No database: bind HYPERDRIVE (or set DATABASE_URL).");
  if (!env.KRISKANAL_SECRET_KEY)
    throw new MissingBindingError("KRISKANAL_SECRET_KEY is not set (wrangler secret put).");
  const secretKey = await importKeyOnce(env.KRISKANAL_SECRET_KEY);
  // A small pool per invocation; Hyperdrive keeps the real connections warm. Type fetching is
  // a round trip per client, and this schema needs no custom types.
  const client = postgres(url, { max: 5, fetch_types: false, onnotice: () => {} });
  const db = drizzle(client, { schema }) as unknown as Db;
  const edge = openEdgeCache(env, ctx, config, log);
  const queue = env.DELIVERIES;
  // The client may only end once the work deferred past the response is done with it.
  const pending: Promise<unknown>[] = [];
  const purges: Promise<unknown>[] = [];
  const defer = (work: Promise<unknown>, what: string) => {
    const settled = work.catch((error) => log.error(`${what} failed`, { error: String(error) }));
    pending.push(settled);
    ctx.waitUntil(settled);
    return settled;
  };
  const deps = assembleDeps({
    db,
    config,
    log,
    secretKey,
    render: renderer,
    platforms,
    publicCache,
    imaging,
    defer: (work) => defer(work, "deferred work"),
    // Only a wake-up: the rows are already committed, and the cron sweep sends them if a message is lost.
    signalDeliveries: (ids) => {
      if (queue) defer(enqueueDeliveries(queue, ids), "enqueueing deliveries");
    },
    onPublicChange: (paths) => {
      purges.push(defer(edge.purge(paths), "edge purge"));
    },
  });
  try {
    await bootstrapOnce(deps, env.KRISKANAL_BOOTSTRAP_TOKEN);
  } catch (error) {
    await client.end({ timeout: 5 });
    throw error;
  }
  const close = async () => {
    while (pending.length) await Promise.all(pending.splice(0));
    await client.end({ timeout: 5 });
  };
  return {
    deps,
    config,
    log,
    edge,
    settlePurges: async () => {
      while (purges.length) await Promise.all(purges.splice(0));
    },
    close: () => ctx.waitUntil(close()),
  };
}

export async function enqueueDeliveries(queue: Queue<DeliveryMessage>, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += QUEUE_BATCH) {
    await queue.sendBatch(ids.slice(i, i + QUEUE_BATCH).map((deliveryId) => ({ body: { deliveryId } })));
  }
}

function importKeyOnce(base64: string): Promise<CryptoKey> {
  let key = keys.get(base64);
  if (!key) {
    key = importSecretKey(base64);
    keys.set(base64, key);
  }
  return key;
}

/**
 * The organisation row and the configured admin token, once per isolate. Isolates start side by
 * side, so the advisory lock keeps two first requests from creating two organisations. Workers
 * never mint a token to print: its logs are not the place for a secret.
 */
function bootstrapOnce(deps: Deps, bootstrapToken: string | undefined): Promise<void> {
  bootstrapped ??= deps.db
    .transaction(async (tx) => {
      await tx.execute(sqlTag`select pg_advisory_xact_lock(hashtext('kriskanal.bootstrap'))`);
      await ensureOrganisation(tx, deps.config.orgName, deps.now());
      await seedStarterTemplates(tx, deps.now());
      if (bootstrapToken) await ensureBootstrapAdmin(tx as unknown as Db, deps.now(), bootstrapToken);
    })
    .catch((error) => {
      bootstrapped = undefined;
      throw error;
    });
  return bootstrapped;
}
