// Records for registrars: every incident's whole record as a download (the API's export, which
// accepts the staff session for reading), and the organisation's record for a period, chosen
// as Stockholm days and streamed from the same domain export.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { requireCan } from "../../domain/people/access";
import { listIncidents } from "../../domain/publishing/incidents";
import { stockholmDay } from "../../domain/publishing/slug";
import { exportPeriod } from "../../domain/records/archive";
import type { FieldError } from "../../errors";
import { zipResponse } from "../api/export";
import { errorStatus, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";
import { isDay, stockholmDayEnd, stockholmDayStart } from "./stockholm-days";

const PERIOD_MESSAGES: Record<string, string> = {
  from: "Den första dagen ska vara ett datum som inte ligger efter den sista, till exempel 2026-03-01.",
  to: "Ange den sista dagen som ett datum, till exempel 2026-03-31.",
};

async function recordsPage(
  c: Context<AppEnv>,
  values: { from: string; to: string },
  errors: FieldError[] = [],
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  requireCan(c.get("actor"), "records.export");
  const incidents = await listIncidents(deps.db, { limit: 500 });
  return renderPage(c, "staff/records", { title: "Arkiv", section: "records", incidents, values, errors }, status);
}

/** The form's own checks: both days given as real dates. The period itself is the domain's. */
function dayProblems(values: { from: string; to: string }): FieldError[] {
  const problems: FieldError[] = [];
  if (!isDay(values.from))
    problems.push({ field: "from", message: "Ange den första dagen som ett datum, till exempel 2026-03-01." });
  if (!isDay(values.to)) problems.push({ field: "to", message: PERIOD_MESSAGES.to });
  return problems;
}

export const recordPages = new Hono<AppEnv>()
  .get("/records", (c) => {
    const today = stockholmDay(c.env.deps.now());
    return recordsPage(c, { from: `${today.slice(0, 8)}01`, to: today });
  })
  .get("/records/export", async (c) => {
    const { deps } = c.env;
    const values = { from: c.req.query("from") ?? "", to: c.req.query("to") ?? "" };
    const problems = dayProblems(values);
    if (problems.length) return recordsPage(c, values, problems, 400);
    try {
      const archive = await exportPeriod(deps, c.get("actor"), {
        from: stockholmDayStart(values.from).toISOString(),
        to: stockholmDayEnd(values.to).toISOString(),
      });
      return zipResponse(archive, deps);
    } catch (error) {
      const errors = toSwedishErrors(error, PERIOD_MESSAGES, "from");
      if (!errors) throw error;
      return recordsPage(c, values, errors, errorStatus(error));
    }
  });
