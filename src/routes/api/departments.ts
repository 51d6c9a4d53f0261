import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import {
  createDepartment,
  listDepartments,
  renameDepartment,
  requireDepartment,
  retireDepartment,
  toDepartmentView,
} from "../../domain/accounts/departments";
import { readJson } from "./auth";

export const departmentRoutes = new Hono<AppEnv>()
  .get("/departments", async (c) => {
    const rows = await listDepartments(c.env.deps.db, c.req.query());
    return c.json({ departments: rows.map(toDepartmentView) });
  })
  .post("/departments", async (c) => {
    const created = await createDepartment(c.env.deps, c.get("actor"), await readJson(c));
    return c.json(toDepartmentView(created), 201);
  })
  .get("/departments/:id", async (c) => {
    return c.json(toDepartmentView(await requireDepartment(c.env.deps.db, c.req.param("id"))));
  })
  .patch("/departments/:id", async (c) => {
    const { deps } = c.env;
    const renamed = await renameDepartment(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toDepartmentView(renamed));
  })
  .post("/departments/:id/retire", async (c) => {
    const { deps } = c.env;
    const retired = await retireDepartment(deps, c.get("actor"), c.req.param("id"));
    return c.json(toDepartmentView(retired));
  });
