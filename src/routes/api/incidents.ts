import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { resetExercise } from "../../domain/publishing/exercises";
import { duplicateWarnings, findDuplicateIncidents } from "../../domain/publishing/incident-duplicates";
import {
  closeIncident,
  editIncident,
  listIncidents,
  openIncident,
  requireIncident,
} from "../../domain/publishing/incidents";
import { listUpdatesOfIncident } from "../../domain/publishing/updates";
import { readJson } from "./auth";
import { toIncidentView, toUpdateView } from "./views";

export const incidentRoutes = new Hono<AppEnv>()
  .post("/incidents", async (c) => {
    const { deps } = c.env;
    const incident = await openIncident(deps, c.get("actor"), await readJson(c));
    const earlier = (await findDuplicateIncidents(deps.db, incident)).filter((i) => i.id !== incident.id);
    const view = toIncidentView(incident, deps.config.publicUrl);
    return c.json(earlier.length ? { ...view, warnings: duplicateWarnings(earlier) } : view, 201);
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
    return c.json(toIncidentView(incident, deps.config.publicUrl));
  })
  .post("/incidents/:id/close", async (c) => {
    const { deps } = c.env;
    const { incident, allClearPosted } = await closeIncident(deps, c.get("actor"), c.req.param("id"));
    return c.json({
      ...toIncidentView(incident, deps.config.publicUrl),
      allClearPosted,
      ...(allClearPosted
        ? {}
        : { warning: "No all-clear update was posted: the public may not know the incident is over." }),
    });
  })
  .post("/incidents/:id/reset", async (c) => {
    const { deps } = c.env;
    const reset = await resetExercise(deps, c.get("actor"), c.req.param("id"));
    return c.json({
      ...toIncidentView(reset.incident, deps.config.publicUrl),
      cancelledDeliveries: reset.cancelledDeliveries,
      rejectedUpdates: reset.rejectedUpdates,
      next: reset.next,
    });
  });
