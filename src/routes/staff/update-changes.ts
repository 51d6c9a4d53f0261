// Changing what was said: an edit with a reason (a new revision; published posts are corrected)
// and a withdrawal with a reason (the permalink says so; posts are retracted where possible).
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { requireIncident } from "../../domain/publishing/incidents";
import { editUpdate, listRevisions, requireUpdate, withdrawUpdate } from "../../domain/publishing/updates";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";

const EDIT_MESSAGES: Record<string, string> = {
  body: "Skriv den nya texten (högst 5 000 tecken).",
  reason: "Skriv varför uppdateringen ändras (3–500 tecken). Skälet visas på webbplatsen.",
};
const WITHDRAW_MESSAGES: Record<string, string> = {
  reason: "Skriv varför uppdateringen dras tillbaka (3–500 tecken). Skälet visas på webbplatsen.",
};

async function changePage(
  c: Context<AppEnv>,
  view: "edit" | "withdraw",
  updateId: string,
  values: Record<string, string> | null,
  errors: { field: string; message: string }[] = [],
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  const update = await requireUpdate(deps.db, updateId);
  const incident = await requireIncident(deps.db, update.incidentId);
  const revisions = view === "edit" ? await listRevisions(deps.db, update.id) : [];
  return renderPage(
    c,
    view === "edit" ? "staff/update-edit" : "staff/update-withdraw",
    {
      title: `${view === "edit" ? "Ändra" : "Dra tillbaka"} uppdatering ${update.number}: ${incident.title}`,
      section: "incidents",
      update,
      incident,
      revisions,
      values: values ?? { body: update.body, reason: "" },
      errors,
    },
    status,
  );
}

export const updateChangePages = new Hono<AppEnv>()
  .get("/updates/:id/edit", (c) => changePage(c, "edit", c.req.param("id"), null))
  .post("/updates/:id/edit", async (c) => {
    const { deps } = c.env;
    const form = await readForm(c.req);
    const values = { body: text(form, "body"), reason: text(form, "reason") };
    try {
      const result = await editUpdate(deps, c.get("actor"), c.req.param("id"), values);
      return c.redirect(`/staff/updates/${result.update.id}?klart=andrad`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, EDIT_MESSAGES, "body");
      if (!errors) throw error;
      return changePage(c, "edit", c.req.param("id"), values, errors, errorStatus(error));
    }
  })
  .get("/updates/:id/withdraw", (c) => changePage(c, "withdraw", c.req.param("id"), null))
  .post("/updates/:id/withdraw", async (c) => {
    const { deps } = c.env;
    const form = await readForm(c.req);
    const values = { reason: text(form, "reason") };
    try {
      const result = await withdrawUpdate(deps, c.get("actor"), c.req.param("id"), values);
      return c.redirect(`/staff/updates/${result.update.id}?klart=tillbakadragen`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, WITHDRAW_MESSAGES, "reason");
      if (!errors) throw error;
      return changePage(c, "withdraw", c.req.param("id"), values, errors, errorStatus(error));
    }
  });
