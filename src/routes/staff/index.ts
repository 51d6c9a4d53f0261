// The staff interface under /staff: server-rendered pages that call the same domain functions
// as the API, usable without JavaScript. Sign-in and sign-out live in sign-in.ts.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { accountEditPages } from "./account-edit";
import { accountLifecyclePages } from "./account-page";
import { accountPages } from "./accounts";
import { approvalPages } from "./approvals";
import { staffAssets } from "./assets";
import { boardPages } from "./board";
import { composePages } from "./compose";
import { dashboardPages } from "./dashboard";
import { departmentPages } from "./departments";
import { inboxPages } from "./inbox";
import { incidentEditPages } from "./incident-edit";
import { incidentPages } from "./incidents";
import { peoplePages } from "./people";
import { renderStaffError } from "./problem";
import { recordPages } from "./records";
import { removalPages } from "./removals";
import { reportPages } from "./reports";
import { requireStaffSession } from "./session";
import { settingsPages } from "./settings";
import { templateEditPages } from "./template-edit";
import { templatePages } from "./templates";
import { translationPages } from "./translations";
import { updateChangePages } from "./update-changes";

export const staffPages = new Hono<AppEnv>()
  .route("/assets", staffAssets)
  .use("*", requireStaffSession)
  .route("/", dashboardPages)
  .route("/", incidentPages)
  .route("/", incidentEditPages)
  .route("/", reportPages)
  .route("/", composePages)
  .route("/", boardPages)
  .route("/", approvalPages)
  .route("/", updateChangePages)
  .route("/", translationPages)
  .route("/", accountPages)
  // "/accounts/new" before "/accounts/:id".
  .route("/", accountEditPages)
  .route("/", accountLifecyclePages)
  .route("/", departmentPages)
  .route("/", removalPages)
  .route("/", inboxPages)
  .route("/", recordPages)
  .route("/", settingsPages)
  .route("/", peoplePages)
  .route("/", templatePages)
  // "/templates/new" before "/templates/:id".
  .route("/", templateEditPages);

staffPages.onError(renderStaffError);
