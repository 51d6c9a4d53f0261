import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listAudit } from "../../domain/records/audit";

export const auditRoutes = new Hono<AppEnv>().get("/audit", async (c) => {
  const entries = await listAudit(c.env.deps.db, c.get("actor"), c.req.query());
  return c.json({ entries });
});
