// The account registry and the compliance report as pages: which official accounts exist, who
// edits them, whether Kriskanal can publish there, and what the policies say needs fixing.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listAccounts, toAccountView } from "../../domain/accounts/accounts";
import { buildComplianceReport } from "../../domain/accounts/compliance";
import { listDepartments } from "../../domain/accounts/departments";
import { verifyAccountRights } from "../../domain/accounts/rights";
import { readForm, text } from "./form";
import { renderPage } from "./page";

const RIGHTS_LABEL: Record<string, string> = { ok: "Fungerar", failing: "Fungerar inte", unknown: "Inte kontrollerad" };

async function departmentNames(db: Parameters<typeof listDepartments>[0]) {
  const departments = await listDepartments(db, { includeRetired: "true" });
  return new Map(departments.map((d) => [d.id, d.name]));
}

export const accountPages = new Hono<AppEnv>()
  .get("/accounts", async (c) => {
    const { deps } = c.env;
    const actor = c.get("actor");
    const [accounts, names, report] = await Promise.all([
      listAccounts(deps.db),
      departmentNames(deps.db),
      buildComplianceReport(deps, actor),
    ]);
    const findings = new Map(report.accounts.map((a) => [a.accountId, a.findings.length]));
    const checked = c.req.query("kontrollerat");
    return renderPage(c, "staff/accounts", {
      title: "Konton",
      section: "accounts",
      accounts: accounts.map((a) => ({
        ...toAccountView(a),
        department: a.departmentId ? (names.get(a.departmentId) ?? "") : "Kommungemensamt",
        rightsLabel: RIGHTS_LABEL[a.rightsStatus] ?? a.rightsStatus,
        findings: findings.get(a.id) ?? 0,
      })),
      checked: accounts.map(toAccountView).find((a) => a.id === checked) ?? null,
    });
  })
  .post("/accounts/:id/verify", async (c) => {
    const back = text(await readForm(c.req), "back");
    const { account } = await verifyAccountRights(c.env.deps, c.get("actor"), c.req.param("id"));
    if (back === "account") return c.redirect(`/staff/accounts/${account.id}?klart=kontrollerat`, 303);
    return c.redirect(`/staff/accounts?kontrollerat=${account.id}#konto-${account.id}`, 303);
  })
  .get("/compliance", async (c) => {
    const { deps } = c.env;
    const [report, names] = await Promise.all([buildComplianceReport(deps, c.get("actor")), departmentNames(deps.db)]);
    return renderPage(c, "staff/compliance", {
      title: "Efterlevnad",
      section: "compliance",
      report,
      accounts: report.accounts.map((a) => ({
        ...a,
        department: a.departmentId ? (names.get(a.departmentId) ?? "") : "Kommungemensamt",
      })),
    });
  });
