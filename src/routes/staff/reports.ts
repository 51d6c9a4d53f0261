// The printable after-action report of an incident (Swedish; charts drawn server-side as SVG).
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { readIncidentReport } from "../../domain/records/incident-report";
import { reportPageData } from "../../render/report-view";
import { renderPage } from "./page";

export const reportPages = new Hono<AppEnv>().get("/incidents/:id/report", async (c) => {
  const report = await readIncidentReport(c.env.deps, c.get("actor"), { id: c.req.param("id") });
  return renderPage(c, "staff/report", {
    title: `Efterhandsrapport: ${report.incident.title}`,
    section: "incidents",
    stylesheets: ["report.css"],
    jsonLink: `/api/v1/incidents/${report.incident.id}/report`,
    incidentLink: `/staff/incidents/${report.incident.id}`,
    ...reportPageData(report),
  });
});
