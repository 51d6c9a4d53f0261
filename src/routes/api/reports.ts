// The after-action report of an incident as JSON (shape: src/domain/records/report-shape.ts).
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { readIncidentReport } from "../../domain/records/incident-report";

export const reportRoutes = new Hono<AppEnv>().get("/incidents/:id/report", async (c) => {
  const report = await readIncidentReport(c.env.deps, c.get("actor"), { id: c.req.param("id") });
  return c.json(report);
});
