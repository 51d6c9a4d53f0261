import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { buildComplianceReport } from "../../domain/accounts/compliance";

export const complianceRoutes = new Hono<AppEnv>().get("/compliance", async (c) => {
  return c.json(await buildComplianceReport(c.env.deps, c.get("actor")));
});
