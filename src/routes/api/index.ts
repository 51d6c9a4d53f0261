// The JSON API under /api/v1. Every resource is a small sub-app; all share bearer auth.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { auditRoutes } from "./audit";
import { requireBearer } from "./auth";
import { incidentRoutes } from "./incidents";
import { updateRoutes } from "./updates";

export const api = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    await next();
    c.header("cache-control", "private, no-store");
  })
  .use("*", requireBearer)
  .route("/", incidentRoutes)
  .route("/", updateRoutes)
  .route("/", auditRoutes);
