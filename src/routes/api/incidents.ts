import { Hono } from "hono";
import type { AppEnv, Deps } from "../../deps";
import {
  closeIncident,
  editIncident,
  type Incident,
  listIncidents,
  openIncident,
  requireIncident,
} from "../../domain/incidents";
import { listUpdatesOfIncident } from "../../domain/updates";
import { changedPublicPaths } from "../public/changed-paths";
import { readJson } from "./auth";
import { toIncidentView, toUpdateView } from "./views";

/** Title, status and summary show on every update permalink of the incident too. */
async function announceIncidentChange(deps: Deps, incident: Incident) {
  if (!deps.onPublicChange) return;
  const numbers = (await listUpdatesOfIncident(deps.db, incident.id)).map((u) => u.number);
  deps.onPublicChange(changedPublicPaths(incident.slug, numbers));
}

export const incidentRoutes = new Hono<AppEnv>()
  .post("/incidents", async (c) => {
    const { deps } = c.env;
    const incident = await openIncident(deps, c.get("actor"), await readJson(c));
    deps.onPublicChange?.(changedPublicPaths(incident.slug));
    return c.json(toIncidentView(incident, deps.config.publicUrl), 201);
  })
  .get("/incidents", async (c) => {
    const { deps } = c.env;
    const rows = await listIncidents(deps.db, c.req.query());
    return c.json({ incidents: rows.map((i) => toIncidentView(i, deps.config.publicUrl)) });
  })
  .get("/incidents/:id", async (c) => {
    const { deps } = c.env;
    const incident = await requireIncident(deps.db, c.req.param("id"));
    const updates = await listUpdatesOfIncident(deps.db, incident.id);
    return c.json({
      ...toIncidentView(incident, deps.config.publicUrl),
      updates: updates.map((u) => toUpdateView(u, incident, deps.config.publicUrl)),
    });
  })
  .patch("/incidents/:id", async (c) => {
    const { deps } = c.env;
    const incident = await editIncident(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    await announceIncidentChange(deps, incident);
    return c.json(toIncidentView(incident, deps.config.publicUrl));
  })
  .post("/incidents/:id/close", async (c) => {
    const { deps } = c.env;
    const { incident, allClearPosted } = await closeIncident(deps, c.get("actor"), c.req.param("id"));
    await announceIncidentChange(deps, incident);
    return c.json({
      ...toIncidentView(incident, deps.config.publicUrl),
      allClearPosted,
      ...(allClearPosted
        ? {}
        : { warning: "No all-clear update was posted: the public may not know the incident is over." }),
    });
  });
