// Incidents in the staff interface: the list, opening one, its page with every update and how
// far each got, and closing it.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv, Deps } from "../../deps";
import { can } from "../../domain/people/access";
import { countDeliveriesByUpdate } from "../../domain/publishing/delivery-overview";
import { resetExercise } from "../../domain/publishing/exercises";
import { duplicateWarnings, findDuplicateIncidents } from "../../domain/publishing/incident-duplicates";
import {
  closeIncident,
  type Incident,
  listIncidents,
  openIncident,
  requireIncident,
} from "../../domain/publishing/incidents";
import { incidentUrl } from "../../domain/publishing/links";
import { getReach } from "../../domain/publishing/reach";
import { listUpdatesOfIncident } from "../../domain/publishing/updates";
import type { FieldError } from "../../errors";
import { errorStatus, readForm, text, toSwedishErrors } from "./form";
import { capFormOptions, capInputOf } from "./incident-cap-form";
import { areasOf, INCIDENT_MESSAGES, readIncidentForm } from "./incident-form";
import { type PageStatus, renderPage } from "./page";
import { templateIdOf, templateIncident, unfilledPlaceholders } from "./templates";

/** Confirmations after a redirect, by code, so no text from the address is ever shown. */
const NOTICES: Record<string, string> = {
  stangd: "Händelsen är avslutad. Den visas som avslutad på webbplatsen.",
  aterstalld:
    "Övningen är återställd: den är avslutad, och det som inte hade skickats skickas aldrig. Allt som hände finns kvar. Öppna en ny övning från den när ni vill köra igen.",
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
    // ?ovning=1 opens an exercise; &fran=<id> starts a fresh run from an earlier exercise's scenario.
    const exercise = c.req.query("ovning") === "1";
    const from = exercise ? await exerciseToRerun(c.env.deps, c.req.query("fran")) : null;
    const values = from
      ? { title: from.title, severity: from.severity, summary: from.summary ?? "", areas: from.areas.join(", ") }
      : template
        ? { title: template.title, severity: template.severity }
        : { severity: "" };
    return renderPage(c, "staff/incident-new", {
      title: exercise ? "Öppna en övning" : "Öppna en händelse",
      section: "incidents",
      values: { ...values, exercise },
      template,
      placeholders: unfilledPlaceholders(template?.title ?? ""),
      capOptions: capFormOptions(),
    });
  })
  .post("/incidents", async (c) => {
    const { deps } = c.env;
    const form = await readForm(c.req);
    const values = { ...readIncidentForm(form), exercise: text(form, "exercise") === "1" };
    const heading = values.exercise ? "Öppna en övning" : "Öppna en händelse";
    // Opened from a template: compose then starts from its text (templates.ts).
    const templateId = templateIdOf(text(form, "mall"));
    const template = templateId ? { id: templateId } : null;
    if (text(form, "confirmDuplicate") !== "1") {
      const duplicates = await findDuplicateIncidents(deps.db, values);
      if (duplicates.length) {
        return renderPage(c, "staff/incident-new", {
          title: heading,
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
        exercise: values.exercise,
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
          title: heading,
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
    const incident = await requireIncident(c.env.deps.db, c.req.param("id"));
    return renderIncidentPage(c, incident, { notice: NOTICES[c.req.query("klart") ?? ""] });
  })
  .post("/incidents/:id/reset", async (c) => {
    const { deps } = c.env;
    const incident = await requireIncident(deps.db, c.req.param("id"));
    try {
      await resetExercise(deps, c.get("actor"), incident.id);
      return c.redirect(`/staff/incidents/${incident.id}?klart=aterstalld`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, {}, "aterstall");
      if (!errors) throw error;
      return renderIncidentPage(c, incident, { errors }, errorStatus(error));
    }
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

async function renderIncidentPage(
  c: Context<AppEnv>,
  incident: Incident,
  extra: { notice?: string; errors?: FieldError[] },
  status?: PageStatus,
) {
  const { deps } = c.env;
  const updates = await listUpdatesOfIncident(deps.db, incident.id);
  const counts = await countDeliveriesByUpdate(
    deps.db,
    updates.map((u) => u.id),
  );
  const actor = c.get("actor");
  const reach = can(actor, "reach.read") ? await getReach(deps, actor, { incident: incident.id }) : null;
  return renderPage(
    c,
    "staff/incident",
    {
      title: incident.exercise ? `Övning: ${incident.title}` : incident.title,
      section: "incidents",
      incident,
      publicLink: incidentUrl(deps.config.publicUrl, incident.slug, incident.exercise),
      updates: updates.map((u) => ({ update: u, counts: counts.get(u.id) ?? {} })).reverse(),
      reach,
      ...extra,
    },
    status,
  );
}

/** The earlier exercise a fresh run starts from; nothing (an empty form) for anything else. */
async function exerciseToRerun(deps: Deps, id: string | undefined): Promise<Incident | null> {
  if (!id) return null;
  const incident = await requireIncident(deps.db, id).catch(() => null);
  return incident?.exercise ? incident : null;
}
