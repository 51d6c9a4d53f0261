// A fresh database per test hub: PGlite in memory, or a new database on the PostgreSQL server
// named by TEST_DATABASE_URL (dropped again when the hub closes).
// Each hub starts from the migrated database test/global-setup.ts made once, when there is one
// (under vitest): PGlite loads its dump, PostgreSQL copies its template. The benchmarks, which run
// without it, migrate their own.
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { type OpenDatabase, openPglite, openPostgres } from "../../src/db/open-node";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
/** Where test/global-setup.ts left the dump of a migrated PGlite database. */
export const PGLITE_DUMP_ENV = "KRISKANAL_TEST_PGLITE_DUMP";
/** The name of the migrated template database test/global-setup.ts made on TEST_DATABASE_URL's server. */
export const PG_TEMPLATE_ENV = "KRISKANAL_TEST_PG_TEMPLATE";

let dump: Blob | undefined;

export async function openTestDatabase(): Promise<OpenDatabase & { url?: string }> {
  if (!TEST_DATABASE_URL) {
    const path = process.env[PGLITE_DUMP_ENV];
    if (path && !dump) dump = new Blob([readFileSync(path)]);
    return openPglite(undefined, undefined, dump);
  }
  const name = `kk_test_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  const template = process.env[PG_TEMPLATE_ENV];
  await admin.unsafe(`create database "${name}"${template ? ` template "${template}"` : ""}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const opened = await openPostgres(url.toString(), { max: 10 });
  return {
    ...opened,
    url: url.toString(),
    async close() {
      await opened.close();
      const again = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists "${name}" with (force)`);
      await again.end();
    },
  };
}
