// The start page: what needs the person on duty now. Active incidents, deliveries that failed,
// accounts the policies flag, updates waiting for approval, and their own notifications.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listPendingUpdates } from "../../domain/approvals";
import { buildComplianceReport } from "../../domain/compliance";
import { listDeliveriesNeedingAttention } from "../../domain/delivery-overview";
import { listIncidents } from "../../domain/incidents";
import { listNotificationsFor, markNotificationRead } from "../../domain/notify";
import { adviceFor, DELIVERY_STATUS_LABEL } from "./delivery-advice";
import { renderPage } from "./page";

export const dashboardPages = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { deps } = c.env;
    const actor = c.get("actor");
    const [incidents, attention, compliance, pending, notices] = await Promise.all([
      listIncidents(deps.db, { status: "active" }),
      listDeliveriesNeedingAttention(deps.db),
      buildComplianceReport(deps, actor),
      listPendingUpdates(deps.db, actor),
      listNotificationsFor(deps.db, actor, { unread: "true", limit: 20 }),
    ]);
    return renderPage(c, "staff/dashboard", {
      title: "Start",
      section: "start",
      incidents,
      attention: attention.map((row) => ({
        ...row,
        advice: adviceFor(row.delivery),
        statusLabel: DELIVERY_STATUS_LABEL[row.delivery.status],
      })),
      flagged: compliance.accounts.filter((a) => a.findings.length > 0),
      accountCount: compliance.summary.accounts,
      pending,
      notices,
    });
  })
  .post("/notifications/:id/read", async (c) => {
    const { deps } = c.env;
    await markNotificationRead(deps, c.get("actor"), c.req.param("id"));
    return c.redirect("/staff#aviseringar", 303);
  });
