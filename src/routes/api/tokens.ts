import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { issuePersonToken, listTokensOf, revokeToken, toTokenView } from "../../domain/people/tokens";
import { readJson } from "./auth";

export const tokenRoutes = new Hono<AppEnv>()
  .post("/people/:id/tokens", async (c) => {
    const issued = await issuePersonToken(c.env.deps, c.get("actor"), c.req.param("id"), await readJson(c));
    // The only time the token is shown: it is stored as a SHA-256 digest.
    return c.json(
      { id: issued.id, name: issued.name, scopes: issued.scopes, createdAt: issued.createdAt, token: issued.token },
      201,
    );
  })
  .get("/people/:id/tokens", async (c) => {
    const rows = await listTokensOf(c.env.deps.db, c.get("actor"), c.req.param("id"));
    return c.json({ tokens: rows.map(toTokenView) });
  })
  .delete("/tokens/:id", async (c) => {
    const token = await revokeToken(c.env.deps, c.get("actor"), c.req.param("id"));
    return c.json(toTokenView(token));
  });
