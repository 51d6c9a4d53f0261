// Node-only: opens PGlite in a data directory or PostgreSQL through postgres.js, and migrates.
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { Db } from "./client";
import * as schema from "./schema";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

export interface OpenDatabase {
  db: Db;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

/**
 * An empty data directory with every migration applied, prepared once by `npm prestart`
 * (src/build/prestart.mjs). PGlite's initdb takes seconds; copying this takes milliseconds.
 * The same two folders up from src/db/ and from the bundle in dist/src/.
 */
export const PGLITE_TEMPLATE_DIR = fileURLToPath(new URL("../../dist/pglite-template", import.meta.url));

/**
 * dataDir undefined = in memory (tests), started from `dump` (PGlite's dumpDataDir) when given:
 * loading one is several times quicker than initdb. A new data directory starts as a copy of
 * `template`, if there is one.
 */
export async function openPglite(dataDir?: string, template = PGLITE_TEMPLATE_DIR, dump?: Blob): Promise<OpenDatabase> {
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    // Only where no database was ever made: initdb leaves PG_VERSION in every data directory.
    if (!existsSync(join(dataDir, "PG_VERSION")) && existsSync(join(template, "PG_VERSION"))) {
      cpSync(template, dataDir, { recursive: true, errorOnExist: true, force: false });
    }
  }
  const client = !dataDir && dump ? new PGlite({ loadDataDir: dump }) : new PGlite(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  return { db, kind: "pglite", close: () => client.close() };
}

/**
 * A database that does not answer must turn into a quick 503 (see db/unavailable.ts), not a
 * request that hangs for half a minute: connecting gives up after a few seconds, and the server
 * cancels a statement that runs away. postgres.js reconnects by itself once the server is back.
 */
export const CONNECT_TIMEOUT_SECONDS = 4;
export const STATEMENT_TIMEOUT_MS = 30_000;

export async function openPostgres(
  url: string,
  options: { max?: number; migrate?: boolean; connectTimeoutSeconds?: number; statementTimeoutMs?: number } = {},
): Promise<OpenDatabase> {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: options.connectTimeoutSeconds ?? CONNECT_TIMEOUT_SECONDS,
    connection: { statement_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS },
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  if (options.migrate !== false) {
    try {
      await migratePostgres(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    } catch (error) {
      // A caller that waits for the server opens again; this pool must not linger.
      await client.end({ timeout: 0 });
      throw error;
    }
  }
  return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
}
