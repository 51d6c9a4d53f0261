// Delivery status and control: preview what each account would receive, list deliveries by
// status (the status board), and retry a failed one.
import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { accounts, DELIVERY_STATUSES, deliveries } from "../../db/schema";
import type { AppEnv } from "../../deps";
import { toDeliveryView } from "../../domain/publishing/deliveries";
import { previewUpdate } from "../../domain/publishing/preview";
import { retryDelivery } from "../../domain/publishing/retry-delivery";
import { readJson } from "./auth";

const DeliveryQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  accountId: z.string().uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const deliveryRoutes = new Hono<AppEnv>()
  .post("/incidents/:id/updates/preview", async (c) => {
    const { deps } = c.env;
    const preview = await previewUpdate(deps, c.get("actor"), {
      ...(await readJson(c)),
      incidentId: c.req.param("id"),
    });
    return c.json(preview);
  })
  .get("/deliveries", async (c) => {
    const { deps } = c.env;
    const q = DeliveryQuery.parse(c.req.query());
    const rows = await deps.db
      .select({ delivery: deliveries, platform: accounts.platform, handle: accounts.handle })
      .from(deliveries)
      .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
      .where(
        and(
          q.status ? eq(deliveries.status, q.status) : undefined,
          q.accountId ? eq(deliveries.accountId, q.accountId) : undefined,
        ),
      )
      .orderBy(desc(deliveries.seq))
      .limit(q.limit);
    return c.json({ deliveries: rows.map(toDeliveryView) });
  })
  .post("/deliveries/:id/retry", async (c) => {
    const { deps } = c.env;
    const delivery = await retryDelivery(deps, c.get("actor"), c.req.param("id"));
    const [row] = await deps.db
      .select({ delivery: deliveries, platform: accounts.platform, handle: accounts.handle })
      .from(deliveries)
      .innerJoin(accounts, eq(accounts.id, deliveries.accountId))
      .where(eq(deliveries.id, delivery.id));
    return c.json(toDeliveryView(row));
  });
