// A fresh database per test hub: PGlite in memory, or a new database on the PostgreSQL server
// named by TEST_DATABASE_URL (dropped again when the hub closes).
import postgres from "postgres";
import { type OpenDatabase, openPglite, openPostgres } from "../../src/db/open-node";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

export async function openTestDatabase(): Promise<OpenDatabase & { url?: string }> {
  if (!TEST_DATABASE_URL) return openPglite();
  const name = `kk_test_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
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
