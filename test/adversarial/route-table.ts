// The adversarial suite's view of the hub: its routes read from the Hono app itself (so a new
// route is fuzzed and needs an authorisation entry without anyone remembering to add it) and
// the row count of every table in the schema (so "nothing was written" is checked everywhere).
import { is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { createApp } from "../../src/app";
import { rowsOf } from "../../src/db/client";
import * as schema from "../../src/db/schema";
import type { Deps } from "../../src/deps";

export interface RouteEntry {
  method: string;
  path: string;
  /** "METHOD path", the key of the authorisation table. */
  key: string;
}

/** Every concrete route of the app (middleware registered for ALL is not a route). */
export function listRoutes(): RouteEntry[] {
  const seen = new Map<string, RouteEntry>();
  for (const r of createApp().routes) {
    if (r.method === "ALL") continue;
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) seen.set(key, { method: r.method, path: r.path, key });
  }
  return [...seen.values()];
}

export const listApiRoutes = () => listRoutes().filter((r) => r.path.startsWith("/api/"));

/** Staff forms: the state-changing routes of the staff interface (sign-in itself aside). */
export const listStaffForms = () =>
  listRoutes().filter((r) => r.method === "POST" && r.path.startsWith("/staff/") && r.path !== "/staff/login");

/** Fills the path's parameters (":id", ":number{[0-9]+}") with the given values. */
export function fillPath(path: string, value: (name: string) => string): string {
  return path.replace(/:([A-Za-z]+)(\{[^}]*\})?/g, (_, name: string) => value(name));
}

export const TABLE_NAMES: string[] = (Object.values(schema) as unknown[])
  .filter((v): v is PgTable => is(v, PgTable))
  .map((t) => getTableConfig(t).name);

/** The number of rows in every table of the schema, in one query. */
export async function countRows(db: Deps["db"]): Promise<Record<string, number>> {
  const columns = TABLE_NAMES.map((name) => `(select count(*)::int from "${name}") as "${name}"`).join(", ");
  const [row] = rowsOf<Record<string, number>>(await db.execute(sql.raw(`select ${columns}`)));
  return Object.fromEntries(TABLE_NAMES.map((name) => [name, Number(row[name])]));
}

/** The hub's deferred work (dispatching, notices), so a test can wait until it has settled. */
export function trackDeferred() {
  const pending: Promise<unknown>[] = [];
  return {
    defer: (work: Promise<unknown>) => {
      pending.push(work.catch(() => {}));
    },
    async settle() {
      while (pending.length) await Promise.all(pending.splice(0));
    },
  };
}

/** What every 4xx from the API looks like. */
export function isErrorShape(json: unknown): boolean {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === "string" && typeof error?.message === "string";
}
