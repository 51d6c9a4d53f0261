// The account registry over JSON. Reading is open to every signed-in person (they pick targets
// from it); changing it is for admins, checked in the domain.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import {
  editAccount,
  listAccounts,
  registerAccount,
  requireAccount,
  toAccountView,
} from "../../domain/accounts/accounts";
import { readJson } from "./auth";

export const accountRoutes = new Hono<AppEnv>()
  .post("/accounts", async (c) => {
    const { deps } = c.env;
    const account = await registerAccount(deps, c.get("actor"), await readJson(c));
    return c.json(toAccountView(account), 201);
  })
  .get("/accounts", async (c) => {
    const rows = await listAccounts(c.env.deps.db, {
      platform: c.req.query("platform"),
      status: c.req.query("status"),
    });
    return c.json({ accounts: rows.map(toAccountView) });
  })
  .get("/accounts/:id", async (c) => {
    return c.json(toAccountView(await requireAccount(c.env.deps.db, c.req.param("id"))));
  })
  .patch("/accounts/:id", async (c) => {
    const { deps } = c.env;
    const account = await editAccount(deps, c.get("actor"), c.req.param("id"), await readJson(c));
    return c.json(toAccountView(account));
  });
