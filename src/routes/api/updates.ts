import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listDeliveriesOfUpdate, toDeliveryView } from "../../domain/publishing/deliveries";
import { requireIncident } from "../../domain/publishing/incidents";
import {
  editUpdate,
  listRevisions,
  listUpdatesOfIncident,
  postUpdate,
  requireUpdate,
  withdrawUpdate,
} from "../../domain/publishing/updates";
import { readJson } from "./auth";
import { toUpdateView } from "./views";

export const updateRoutes = new Hono<AppEnv>()
  .post("/incidents/:id/updates", async (c) => {
    const { deps } = c.env;
    const body = await readJson(c);
    const result = await postUpdate(deps, c.get("actor"), { ...body, incidentId: c.req.param("id") });
    const deliveries = await listDeliveriesOfUpdate(deps.db, result.update.id);
    return c.json(
      {
        ...toUpdateView(result.update, result.incident, deps.config.publicUrl),
        deliveries: deliveries.map(toDeliveryView),
        leftOut: result.leftOut,
      },
      201,
    );
  })
  .get("/incidents/:id/updates", async (c) => {
    const { deps } = c.env;
    const incident = await requireIncident(deps.db, c.req.param("id"));
    const rows = await listUpdatesOfIncident(deps.db, incident.id);
    return c.json({ updates: rows.map((u) => toUpdateView(u, incident, deps.config.publicUrl)) });
  })
  .get("/updates/:id", async (c) => {
    const { deps } = c.env;
    const update = await requireUpdate(deps.db, c.req.param("id"));
    const incident = await requireIncident(deps.db, update.incidentId);
    const deliveries = await listDeliveriesOfUpdate(deps.db, update.id);
    return c.json({
      ...toUpdateView(update, incident, deps.config.publicUrl),
      deliveries: deliveries.map(toDeliveryView),
    });
  })
  .patch("/updates/:id", async (c) => {
    const { deps } = c.env;
    const result = await editUpdate(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toUpdateView(result.update, result.incident, deps.config.publicUrl));
  })
  .post("/updates/:id/withdraw", async (c) => {
    const { deps } = c.env;
    const result = await withdrawUpdate(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toUpdateView(result.update, result.incident, deps.config.publicUrl));
  })
  .get("/updates/:id/revisions", async (c) => {
    const revisions = await listRevisions(c.env.deps.db, c.req.param("id"));
    return c.json({ revisions });
  })
  .get("/updates/:id/deliveries", async (c) => {
    const { deps } = c.env;
    await requireUpdate(deps.db, c.req.param("id"));
    const rows = await listDeliveriesOfUpdate(deps.db, c.req.param("id"));
    return c.json({ deliveries: rows.map(toDeliveryView) });
  });
