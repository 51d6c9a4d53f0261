// GET /api/v1/reach[?incident=<id>]: subscribers and messages per update, per channel to the public.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { getReach } from "../../domain/publishing/reach";

export const reachRoutes = new Hono<AppEnv>().get("/reach", async (c) =>
  c.json(await getReach(c.env.deps, c.get("actor"), c.req.query())),
);
