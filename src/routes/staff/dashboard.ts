// The start page: what needs the person on duty now. Active incidents, deliveries that failed,
// accounts the policies flag, updates waiting for approval, their own notifications, and the
// kill switch that holds back every social delivery while the website keeps publishing.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { buildComplianceReport } from "../../domain/accounts/compliance";
import { can } from "../../domain/people/access";
import { listNotificationsFor, markNotificationRead } from "../../domain/people/notify";
import { listPendingUpdates } from "../../domain/publishing/approvals";
import { listDeliveriesNeedingAttention } from "../../domain/publishing/delivery-overview";
import { listIncidents } from "../../domain/publishing/incidents";
import { pauseDeliveries, readPauseStatus, resumeDeliveries } from "../../domain/publishing/kill-switch";
import type { FieldError } from "../../errors";
import { adviceFor, DELIVERY_STATUS_LABEL } from "./delivery-advice";
import { groupFindings } from "./finding-groups";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

const NOTICES: Record<string, string> = {
  pausad: "Alla utskick till sociala medier är pausade. Webbplatsen publiceras som vanligt.",
  aterupptagen: "Utskicken är igång igen. Inlägg som väntade skickas nu i tur och ordning.",
};

const PAUSE_MESSAGES: Record<string, string> = {
  reason: "Skälet ska vara 3–500 tecken, eller lämnas tomt.",
};

async function dashboardPage(
  c: Context<AppEnv>,
  extra: { errors?: FieldError[]; values?: Record<string, string> } = {},
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  const actor = c.get("actor");
  const [incidents, attention, compliance, pending, notices, pause] = await Promise.all([
    listIncidents(deps.db, { status: "active" }),
    listDeliveriesNeedingAttention(deps.db),
    buildComplianceReport(deps, actor),
    listPendingUpdates(deps.db, actor),
    listNotificationsFor(deps.db, actor, { unread: "true", limit: 20 }),
    can(actor, "delivery.pause") ? readPauseStatus(deps.db) : Promise.resolve(null),
  ]);
  return renderPage(
    c,
    "staff/dashboard",
    {
      title: "Start",
      section: "start",
      incidents,
      attention: attention.map((row) => ({
        ...row,
        advice: adviceFor(row.delivery),
        statusLabel: DELIVERY_STATUS_LABEL[row.delivery.status],
      })),
      flagged: compliance.accounts.filter((a) => a.findings.length > 0),
      findingGroups: groupFindings(compliance.accounts),
      accountCount: compliance.summary.accounts,
      pending,
      notices,
      pause,
      notice: NOTICES[c.req.query("klart") ?? ""],
      values: extra.values ?? {},
      errors: extra.errors ?? [],
    },
    status,
  );
}

export const dashboardPages = new Hono<AppEnv>()
  .get("/", (c) => dashboardPage(c))
  .post("/notifications/:id/read", async (c) => {
    const { deps } = c.env;
    await markNotificationRead(deps, c.get("actor"), c.req.param("id"));
    return c.redirect("/staff#aviseringar", 303);
  })
  .post("/deliveries/pause", async (c) => {
    const reason = text(await readForm(c.req), "reason");
    try {
      await pauseDeliveries(c.env.deps, c.get("actor"), reason ? { reason } : {});
      return c.redirect("/staff?klart=pausad#utskick", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, PAUSE_MESSAGES, "reason");
      if (!errors) throw error;
      return dashboardPage(c, { errors, values: { reason } }, errorStatus(error));
    }
  })
  .post("/deliveries/resume", async (c) => {
    await resumeDeliveries(c.env.deps, c.get("actor"));
    return c.redirect("/staff?klart=aterupptagen#utskick", 303);
  });
