// Incidents in the staff interface: the list, opening one, its page with every update and how
// far each got, and closing it.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { can } from "../../domain/people/access";
import { countDeliveriesByUpdate } from "../../domain/publishing/delivery-overview";
import { duplicateWarnings, findDuplicateIncidents } from "../../domain/publishing/incident-duplicates";
import { closeIncident, listIncidents, openIncident, requireIncident } from "../../domain/publishing/incidents";
import { incidentUrl } from "../../domain/publishing/links";
import { getReach } from "../../domain/publishing/reach";
import { listUpdatesOfIncident } from "../../domain/publishing/updates";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { capFormOptions, capInputOf } from "./incident-cap-form";
import { areasOf, INCIDENT_MESSAGES, readIncidentForm } from "./incident-form";
import { renderPage } from "./page";
import { templateIdOf, templateIncident, unfilledPlaceholders } from "./templates";

/** Confirmations after a redirect, by code, so no text from the address is ever shown. */
const NOTICES: Record<string, string> = {
  stangd: "Händelsen är avslutad. Den visas som avslutad på webbplatsen.",
  andrad: "Ändringarna är sparade och syns på webbplatsen.",
};

export const incidentPages = new Hono<AppEnv>()
  .get("/incidents", async (c) => {
    const { deps } = c.env;
    const [active, resolved] = await Promise.all([
      listIncidents(deps.db, { status: "active" }),
      listIncidents(deps.db, { status: "resolved", limit: 50 }),
    ]);
    return renderPage(c, "staff/incidents", { title: "Händelser", section: "incidents", active, resolved });
  })
  .get("/incidents/new", async (c) => {
    const templateId = templateIdOf(c.req.query("mall"));
    const template = templateId ? await templateIncident(c.env.deps, c.get("actor"), templateId) : null;
    return renderPage(c, "staff/incident-new", {
      title: "Öppna en händelse",
      section: "incidents",
      values: template ? { title: template.title, severity: template.severity } : { severity: "" },
      template,
      placeholders: unfilledPlaceholders(template?.title ?? ""),
      capOptions: capFormOptions(),
    });
  })
  .post("/incidents", async (c) => {
    const { deps } = c.env;
    const form = await readForm(c.req);
    const values = readIncidentForm(form);
    // Opened from a template: compose then starts from its text (templates.ts).
    const templateId = templateIdOf(text(form, "mall"));
    const template = templateId ? { id: templateId } : null;
    if (text(form, "confirmDuplicate") !== "1") {
      const duplicates = await findDuplicateIncidents(deps.db, values);
      if (duplicates.length) {
        return renderPage(c, "staff/incident-new", {
          title: "Öppna en händelse",
          section: "incidents",
          values,
          template,
          duplicates: duplicateWarnings(duplicates),
          capOptions: capFormOptions(),
        });
      }
    }
    try {
      const incident = await openIncident(deps, c.get("actor"), {
        title: values.title,
        severity: values.severity || undefined,
        areas: areasOf(values),
        ...(values.summary ? { summary: values.summary } : {}),
        ...(values.registrationNumber ? { registrationNumber: values.registrationNumber } : {}),
        ...(values.borrowingReason ? { borrowingReason: values.borrowingReason } : {}),
        ...capInputOf(values),
      });
      const fromTemplate = template ? `&mall=${template.id}` : "";
      return c.redirect(`/staff/incidents/${incident.id}/updates/new?oppnad=1${fromTemplate}`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, INCIDENT_MESSAGES, "title");
      if (!errors) throw error;
      return renderPage(
        c,
        "staff/incident-new",
        {
          title: "Öppna en händelse",
          section: "incidents",
          values,
          errors,
          template,
          placeholders: unfilledPlaceholders(values.title, values.summary),
          capOptions: capFormOptions(),
        },
        errorStatus(error),
      );
    }
  })
  .get("/incidents/:id", async (c) => {
    const { deps } = c.env;
    const incident = await requireIncident(deps.db, c.req.param("id"));
    const updates = await listUpdatesOfIncident(deps.db, incident.id);
    const counts = await countDeliveriesByUpdate(
      deps.db,
      updates.map((u) => u.id),
    );
    const actor = c.get("actor");
    const reach = can(actor, "reach.read") ? await getReach(deps, actor, { incident: incident.id }) : null;
    return renderPage(c, "staff/incident", {
      title: incident.title,
      section: "incidents",
      incident,
      publicLink: incidentUrl(deps.config.publicUrl, incident.slug),
      updates: updates.map((u) => ({ update: u, counts: counts.get(u.id) ?? {} })).reverse(),
      reach,
      notice: NOTICES[c.req.query("klart") ?? ""],
    });
  })
  .get("/incidents/:id/close", async (c) => {
    const { deps } = c.env;
    const incident = await requireIncident(deps.db, c.req.param("id"));
    const updates = await listUpdatesOfIncident(deps.db, incident.id);
    const allClear = updates.some((u) => u.kind === "all_clear" && u.state === "published" && !u.withdrawnAt);
    return renderPage(c, "staff/incident-close", {
      title: `Avsluta ${incident.title}`,
      section: "incidents",
      incident,
      allClear,
    });
  })
  .post("/incidents/:id/close", async (c) => {
    const { deps } = c.env;
    const actor = c.get("actor");
    const incident = await requireIncident(deps.db, c.req.param("id"));
    try {
      await closeIncident(deps, actor, incident.id);
      return c.redirect(`/staff/incidents/${incident.id}?klart=stangd`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, {}, "stang");
      if (!errors) throw error;
      return renderPage(
        c,
        "staff/incident-close",
        { title: `Avsluta ${incident.title}`, section: "incidents", incident, allClear: true, errors },
        errorStatus(error),
      );
    }
  });
