import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import {
  changeTemplate,
  createTemplate,
  listTemplates,
  readTemplate,
  retireTemplate,
  toTemplateView,
} from "../../domain/publishing/message-templates";
import { readJson } from "./auth";

export const templateRoutes = new Hono<AppEnv>()
  .get("/templates", async (c) => {
    const rows = await listTemplates(c.env.deps, c.get("actor"), c.req.query());
    return c.json({ templates: rows.map(toTemplateView) });
  })
  .post("/templates", async (c) => {
    const created = await createTemplate(c.env.deps, c.get("actor"), await readJson(c));
    return c.json(toTemplateView(created), 201);
  })
  .get("/templates/:id", async (c) => {
    return c.json(toTemplateView(await readTemplate(c.env.deps, c.get("actor"), c.req.param("id"))));
  })
  .patch("/templates/:id", async (c) => {
    const changed = await changeTemplate(c.env.deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toTemplateView(changed));
  })
  .post("/templates/:id/retire", async (c) => {
    return c.json(toTemplateView(await retireTemplate(c.env.deps, c.get("actor"), c.req.param("id"))));
  });
