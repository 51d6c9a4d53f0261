import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { closeAccount } from "../../domain/accounts/account-closing";
import { readJson } from "./auth";

export const accountClosingRoutes = new Hono<AppEnv>().post("/accounts/:id/close", async (c) => {
  const { deps } = c.env;
  const { account, farewell } = await closeAccount(deps, c.get("actor"), c.req.param("id"), await readJson(c));
  return c.json({
    account: {
      id: account.id,
      platform: account.platform,
      handle: account.handle,
      status: account.status,
      closedAt: account.closedAt,
      closedReason: account.closedReason,
    },
    farewell: { id: farewell.id, kind: farewell.kind, status: farewell.status, text: farewell.sentText },
  });
});
