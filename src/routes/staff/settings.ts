// Organisation settings for admins: the four-eyes rule (a second person approves every update
// before it is published, urgent ones excepted and logged).
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { requireCan } from "../../domain/people/access";
import { setApprovalRule } from "../../domain/publishing/approvals";
import { getOrganisation } from "../../domain/publishing/organisation";
import type { FieldError } from "../../errors";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

const NOTICES: Record<string, string> = {
  pa: "Fyra ögon gäller nu: varje uppdatering väntar tills en kollega har godkänt den.",
  av: "Fyra ögon gäller inte längre: uppdateringar publiceras direkt.",
};

async function settingsPage(c: Context<AppEnv>, errors: FieldError[] = [], status: PageStatus = 200) {
  requireCan(c.get("actor"), "settings.manage");
  const org = await getOrganisation(c.env.deps.db);
  return renderPage(
    c,
    "staff/settings",
    {
      title: "Inställningar",
      section: "settings",
      requireApproval: org.requireApproval,
      notice: NOTICES[c.req.query("klart") ?? ""],
      errors,
    },
    status,
  );
}

export const settingsPages = new Hono<AppEnv>()
  .get("/settings", (c) => settingsPage(c))
  .post("/settings/approval", async (c) => {
    const choice = text(await readForm(c.req), "requireApproval");
    try {
      // Anything but the two choices is left to the domain to refuse.
      const requireApproval = choice === "on" ? true : choice === "off" ? false : choice;
      const org = await setApprovalRule(c.env.deps, c.get("actor"), { requireApproval });
      return c.redirect(`/staff/settings?klart=${org.requireApproval ? "pa" : "av"}`, 303);
    } catch (error) {
      const errors = toSwedishErrors(
        error,
        { requireApproval: "Välj om uppdateringar ska godkännas av en kollega." },
        "requireApproval",
      );
      if (!errors) throw error;
      return settingsPage(c, errors, errorStatus(error));
    }
  });
