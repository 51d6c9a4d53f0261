import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { approveUpdate, listPendingUpdates, rejectUpdate } from "../../domain/publishing/approvals";
import { listDeliveriesOfUpdate, toDeliveryView } from "../../domain/publishing/deliveries";
import { readJson } from "./auth";
import { toIncidentView, toUpdateView } from "./views";

export const approvalRoutes = new Hono<AppEnv>()
  .get("/approvals", async (c) => {
    const { deps } = c.env;
    const rows = await listPendingUpdates(deps.db, c.get("actor"));
    return c.json({
      updates: rows.map((r) => ({
        ...toUpdateView(r.update, r.incident, deps.config.publicUrl),
        postedBy: r.update.postedBy,
        incident: toIncidentView(r.incident, deps.config.publicUrl),
      })),
    });
  })
  .post("/updates/:id/approve", async (c) => {
    const { deps } = c.env;
    const result = await approveUpdate(deps, c.get("actor"), c.req.param("id"));
    const deliveries = await listDeliveriesOfUpdate(deps.db, result.update.id);
    return c.json({
      ...toUpdateView(result.update, result.incident, deps.config.publicUrl),
      deliveries: deliveries.map(toDeliveryView),
    });
  })
  .post("/updates/:id/reject", async (c) => {
    const { deps } = c.env;
    const result = await rejectUpdate(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toUpdateView(result.update, result.incident, deps.config.publicUrl));
  });
