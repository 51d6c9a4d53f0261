import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listBorrowings } from "../../domain/people/borrowings";

export const borrowingRoutes = new Hono<AppEnv>().get("/borrowings", async (c) => {
  const borrowings = await listBorrowings(c.env.deps.db, c.get("actor"), c.req.query());
  return c.json({ borrowings });
});
