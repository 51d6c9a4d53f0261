import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listNotificationsFor, markNotificationRead, toNotificationPayload } from "../../domain/people/notify";

export const notificationRoutes = new Hono<AppEnv>()
  .get("/notifications", async (c) => {
    const rows = await listNotificationsFor(c.env.deps.db, c.get("actor"), c.req.query());
    return c.json({ notifications: rows.map(toNotificationPayload) });
  })
  .post("/notifications/:id/read", async (c) => {
    const row = await markNotificationRead(c.env.deps, c.get("actor"), c.req.param("id"));
    return c.json(toNotificationPayload(row));
  });
