import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { toAccountView } from "../../domain/accounts/accounts";
import { toRightsView, verifyAccountRights } from "../../domain/accounts/rights";

export const rightsRoutes = new Hono<AppEnv>().post("/accounts/:id/verify", async (c) => {
  const { account } = await verifyAccountRights(c.env.deps, c.get("actor"), c.req.param("id"));
  return c.json({ ok: account.rightsStatus === "ok", rights: toRightsView(account), account: toAccountView(account) });
});
