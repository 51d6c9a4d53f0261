// Editing an incident's facts: title, summary, severity, areas, registration number and the
// standing reason to borrow department accounts. The website shows the change at once.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { requireCan } from "../../domain/people/access";
import { editIncident, type Incident, requireIncident } from "../../domain/publishing/incidents";
import type { FieldError } from "../../errors";
import { errorStatus, readForm, toSwedishErrors } from "./form";
import { capFormOptions, capInputOf, capValuesOf } from "./incident-cap-form";
import { areasOf, INCIDENT_MESSAGES, type IncidentValues, readIncidentForm } from "./incident-form";
import { type PageStatus, renderPage } from "./page";

function valuesOf(incident: Incident): IncidentValues {
  return {
    title: incident.title,
    summary: incident.summary ?? "",
    severity: incident.severity,
    areas: incident.areas.join(", "),
    registrationNumber: incident.registrationNumber ?? "",
    borrowingReason: incident.borrowingReason ?? "",
    ...capValuesOf(incident),
  };
}

function editPage(
  c: Context<AppEnv>,
  incident: Incident,
  values: IncidentValues,
  errors: FieldError[] = [],
  status: PageStatus = 200,
) {
  requireCan(c.get("actor"), "incident.edit");
  return renderPage(
    c,
    "staff/incident-edit",
    { title: `Ändra ${incident.title}`, section: "incidents", incident, values, errors, capOptions: capFormOptions() },
    status,
  );
}

export const incidentEditPages = new Hono<AppEnv>()
  .get("/incidents/:id/edit", async (c) => {
    const incident = await requireIncident(c.env.deps.db, c.req.param("id"));
    return editPage(c, incident, valuesOf(incident));
  })
  .post("/incidents/:id/edit", async (c) => {
    const { deps } = c.env;
    const incident = await requireIncident(deps.db, c.req.param("id"));
    const values = readIncidentForm(await readForm(c.req));
    try {
      // An emptied optional field clears it; the form always sends every field.
      await editIncident(deps, c.get("actor"), incident.id, {
        title: values.title,
        severity: values.severity || undefined,
        areas: areasOf(values),
        summary: values.summary || null,
        registrationNumber: values.registrationNumber || null,
        borrowingReason: values.borrowingReason || null,
        ...capInputOf(values),
      });
      return c.redirect(`/staff/incidents/${incident.id}?klart=andrad`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, INCIDENT_MESSAGES, "title");
      if (!errors) throw error;
      return editPage(c, incident, values, errors, errorStatus(error));
    }
  });
