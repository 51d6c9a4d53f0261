import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../deps";

export const health = new Hono<AppEnv>().get("/health", async (c) => {
  try {
    await c.env.deps.db.execute(sql`select 1`);
    return c.json({ status: "ok" }, 200, { "cache-control": "no-store" });
  } catch {
    return c.json({ status: "unavailable", message: "The database does not answer." }, 503, {
      "cache-control": "no-store",
    });
  }
});
