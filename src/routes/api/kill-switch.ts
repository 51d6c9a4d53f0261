import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { pauseDeliveries, readPauseStatus, resumeDeliveries } from "../../domain/publishing/kill-switch";
import { readJson } from "./auth";

export const killSwitchRoutes = new Hono<AppEnv>()
  .get("/deliveries/pause", async (c) => c.json(await readPauseStatus(c.env.deps.db)))
  .post("/deliveries/pause", async (c) => c.json(await pauseDeliveries(c.env.deps, c.get("actor"), await readJson(c))))
  .post("/deliveries/resume", async (c) => c.json(await resumeDeliveries(c.env.deps, c.get("actor"))));
