// The JSON API under /api/v1. Every resource is a small sub-app; all share bearer auth.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { accountClosingRoutes } from "./account-closing";
import { accountRoutes } from "./accounts";
import { approvalRoutes } from "./approvals";
import { auditRoutes } from "./audit";
import { requireBearer } from "./auth";
import { borrowingRoutes } from "./borrowings";
import { complianceRoutes } from "./compliance";
import { deliveryRoutes } from "./deliveries";
import { departmentRoutes } from "./departments";
import { exportRoutes } from "./export";
import { inboxRoutes } from "./inbox";
import { incidentRoutes } from "./incidents";
import { killSwitchRoutes } from "./kill-switch";
import { mediaRoutes } from "./media";
import { notificationRoutes } from "./notifications";
import { organisationRoutes } from "./organisation";
import { peopleRoutes } from "./people";
import { reachRoutes } from "./reach";
import { removalRoutes } from "./removals";
import { reportRoutes } from "./reports";
import { rightsRoutes } from "./rights";
import { snapshotRoutes } from "./snapshots";
import { templateRoutes } from "./templates";
import { tokenRoutes } from "./tokens";
import { updateRoutes } from "./updates";

export const api = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    await next();
    c.header("cache-control", "private, no-store");
  })
  .use("*", requireBearer)
  .route("/", incidentRoutes)
  .route("/", updateRoutes)
  .route("/", auditRoutes)
  .route("/", accountRoutes)
  .route("/", deliveryRoutes)
  .route("/", departmentRoutes)
  .route("/", rightsRoutes)
  .route("/", complianceRoutes)
  .route("/", peopleRoutes)
  .route("/", tokenRoutes)
  .route("/", borrowingRoutes)
  .route("/", approvalRoutes)
  .route("/", notificationRoutes)
  .route("/", organisationRoutes)
  .route("/", killSwitchRoutes)
  .route("/", removalRoutes)
  .route("/", snapshotRoutes)
  .route("/", accountClosingRoutes)
  .route("/", exportRoutes)
  .route("/", mediaRoutes)
  .route("/", templateRoutes)
  .route("/", inboxRoutes)
  .route("/", reportRoutes)
  .route("/", reachRoutes);
