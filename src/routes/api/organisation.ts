import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { setApprovalRule } from "../../domain/publishing/approvals";
import { getOrganisation } from "../../domain/publishing/organisation";
import { readJson } from "./auth";

function toOrganisationView(org: {
  id: string;
  name: string;
  requireApproval: boolean;
  deliveriesPausedAt: Date | null;
}) {
  return {
    id: org.id,
    name: org.name,
    requireApproval: org.requireApproval,
    deliveriesPausedAt: org.deliveriesPausedAt,
  };
}

export const organisationRoutes = new Hono<AppEnv>()
  .get("/organisation", async (c) => c.json(toOrganisationView(await getOrganisation(c.env.deps.db))))
  .patch("/organisation", async (c) => {
    const org = await setApprovalRule(c.env.deps, c.get("actor"), await readJson(c));
    return c.json(toOrganisationView(org));
  });
