// Once per test run, before any worker starts: a migrated database every test hub starts from,
// instead of running initdb (PGlite, seconds) or the migrations (both) again each time.
// - PGlite: dumped to a file that each hub loads (a fraction of initdb's time).
// - PostgreSQL: a template database each hub's database is created from.
// Both are named after the migrations (and PGlite's version), so a later run with the same ones
// reuses them, and one made from other migrations is never taken for this one. Old ones are left
// alone: another run (a second checkout) may be copying them right now.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import postgres from "postgres";
import { MIGRATIONS_FOLDER, openPostgres } from "../src/db/open-node";
import { PG_TEMPLATE_ENV, PGLITE_DUMP_ENV } from "./helpers/database";

const TEMPLATE_PREFIX = "kk_test_template_";

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) process.env[PG_TEMPLATE_ENV] = await preparePostgresTemplate(url);
  else process.env[PGLITE_DUMP_ENV] = await preparePgliteDump();
}

async function preparePgliteDump(): Promise<string> {
  const path = join(tmpdir(), `kriskanal-test-pglite-${fingerprint()}.tar`);
  if (!existsSync(path)) {
    const client = new PGlite();
    await migrate(drizzle(client) as never, { migrationsFolder: MIGRATIONS_FOLDER });
    const dump = await client.dumpDataDir("none");
    await client.close();
    // Written aside and renamed, so a run that starts meanwhile never reads half a file.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, path);
  }
  return path;
}

async function preparePostgresTemplate(url: string): Promise<string> {
  const name = `${TEMPLATE_PREFIX}${fingerprint()}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [existing] = await admin`select 1 from pg_database where datname = ${name}`;
    if (existing) return name;
    // Built under another name and renamed when whole, so no run ever copies half a template.
    const building = `${name}_building_${process.pid}`;
    await admin.unsafe(`create database "${building}"`);
    const target = new URL(url);
    target.pathname = `/${building}`;
    const opened = await openPostgres(target.toString(), { max: 1 });
    await opened.close();
    await admin.unsafe(`alter database "${building}" rename to "${name}"`);
    return name;
  } finally {
    await admin.end();
  }
}

/** The migrations and the PGlite version: a dump made from other ones is not this database. */
function fingerprint(): string {
  const hash = createHash("sha256");
  const pglite = JSON.parse(
    readFileSync(new URL("../node_modules/@electric-sql/pglite/package.json", import.meta.url), "utf8"),
  );
  hash.update(String(pglite.version));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(entry.name).update(readFileSync(full));
    }
  };
  walk(MIGRATIONS_FOLDER);
  return hash.digest("hex").slice(0, 16);
}
