// The four-eyes rule in the staff interface: a second person approves a waiting update (it is
// then published as its poster would have) or rejects it with a reason the poster is told.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { approveUpdate, rejectUpdate } from "../../domain/publishing/approvals";
import { renderBoard } from "./board";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";

const REJECT_MESSAGES: Record<string, string> = {
  reason: "Skriv varför uppdateringen inte godkänns (3–500 tecken). Den som skrev den får läsa det.",
};

export const approvalPages = new Hono<AppEnv>()
  .post("/updates/:id/approve", async (c) => {
    const { deps } = c.env;
    try {
      const result = await approveUpdate(deps, c.get("actor"), c.req.param("id"));
      return c.redirect(`/staff/updates/${result.update.id}?klart=godkand`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, {}, "godkann");
      if (!errors) throw error;
      return renderBoard(c, c.req.param("id"), { errors }, errorStatus(error));
    }
  })
  .post("/updates/:id/reject", async (c) => {
    const { deps } = c.env;
    const values = { reason: text(await readForm(c.req), "reason") };
    try {
      const result = await rejectUpdate(deps, c.get("actor"), c.req.param("id"), values);
      return c.redirect(`/staff/updates/${result.update.id}?klart=avvisad`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, REJECT_MESSAGES, "reason");
      if (!errors) throw error;
      return renderBoard(c, c.req.param("id"), { errors, values }, errorStatus(error));
    }
  });
