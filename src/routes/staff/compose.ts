// Compose an update once: the form, its preview per account (without JavaScript by the Preview
// button, live with /staff/assets/preview.js), and publishing, after which the delivery board
// takes over.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../../deps";
import { listAccounts } from "../../domain/accounts/accounts";
import { listDepartments } from "../../domain/accounts/departments";
import { draftUpdateFromItem } from "../../domain/inbox/update-draft";
import { can, publishRight, requireCan } from "../../domain/people/access";
import { type Incident, requireIncident } from "../../domain/publishing/incidents";
import { listTemplates } from "../../domain/publishing/message-templates";
import { getOrganisation } from "../../domain/publishing/organisation";
import { postUpdate } from "../../domain/publishing/updates";
import { mayPostUrgent } from "../../domain/publishing/urgent-review";
import { takeUploadedImage } from "./compose-image";
import { COMPOSE_MESSAGES, type ComposeValues, emptyComposeValues, readComposeValues, toPostInput } from "./draft";
import { type DraftPreview, previewDraft } from "./draft-preview";
import { errorStatus, readForm, toSwedishErrors } from "./form";
import { type PageStatus, renderFragment, renderPage } from "./page";
import { templateCompose, templateIdOf, unfilledPlaceholders } from "./templates";

const KINDS = new Set(["update", "correction", "all_clear"]);

async function composePage(
  c: Context<AppEnv>,
  incident: Incident,
  values: ComposeValues,
  extra: {
    preview?: DraftPreview | null;
    errors?: { field: string; message: string }[];
    notice?: string;
    templateAid?: { name: string; phrases: string[] };
    /** Offered on a fresh form only: picking one reloads the form with its text. */
    templateChoices?: { id: string; name: string }[];
  } = {},
  status: PageStatus = 200,
) {
  const { deps } = c.env;
  const actor = c.get("actor");
  requireCan(actor, "update.post");
  const [accounts, departments, org] = await Promise.all([
    listAccounts(deps.db, { status: "active" }),
    listDepartments(deps.db),
    getOrganisation(deps.db),
  ]);
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));
  const choices = accounts
    .map((a) => ({
      id: a.id,
      platform: a.platform,
      handle: a.handle,
      department: a.departmentId ? (departmentName.get(a.departmentId) ?? "") : "",
      right: publishRight(actor, a),
    }))
    .filter((a) => a.right !== "none");
  return renderPage(
    c,
    "staff/compose",
    {
      title: `Ny uppdatering: ${incident.title}`,
      section: "incidents",
      incident,
      values,
      accounts: choices,
      departments: departments.filter((d) => accounts.some((a) => a.departmentId === d.id)),
      platforms: [...new Set(choices.map((a) => a.platform))],
      requireApproval: org.requireApproval,
      mayPostUrgent: mayPostUrgent(actor),
      preview: extra.preview ?? null,
      errors: extra.errors ?? [],
      notice: extra.notice,
      templateAid: extra.templateAid ?? null,
      templateChoices: extra.templateChoices ?? [],
      placeholders: unfilledPlaceholders(values.body, ...Object.values(values.variants)),
    },
    status,
  );
}

async function buildPreview(c: Context<AppEnv>, incident: Incident, values: ComposeValues) {
  const { deps } = c.env;
  // The draft preview turns the domain's refusals into warnings on the form; a person who may not
  // post at all gets the refusal itself, before any preview or "no accounts" message.
  requireCan(c.get("actor"), "update.post");
  const accounts = await listAccounts(deps.db, { status: "active" });
  const { input, problems } = toPostInput(incident.id, values, accounts);
  const preview = await previewDraft(deps, c.get("actor"), incident, input);
  return { input, problems, preview };
}

export const composePages = new Hono<AppEnv>()
  .get("/incidents/:id/updates/new", async (c) => {
    const incident = await requireIncident(c.env.deps.db, c.req.param("id"));
    const kind = c.req.query("kind") ?? "update";
    const values = emptyComposeValues(KINDS.has(kind) ? kind : "update");
    const templateId = templateIdOf(c.req.query("mall"));
    const template = templateId ? await templateCompose(c.env.deps, c.get("actor"), templateId, values.kind) : null;
    if (template) Object.assign(values, { body: template.body, variants: { ...template.variants } });
    // "Svara alla i en uppdatering" from the inbox: the question quoted without its author.
    const question = c.req.query("fraga");
    if (question && !template) values.body = (await draftUpdateFromItem(c.env.deps, c.get("actor"), question)).body;
    const actor = c.get("actor");
    const choices = !template && can(actor, "template.read") ? await listTemplates(c.env.deps, actor) : [];
    return composePage(c, incident, values, {
      templateAid: template?.aid,
      templateChoices: choices.map((t) => ({ id: t.id, name: t.name })),
      notice: c.req.query("oppnad")
        ? "Händelsen är öppnad och syns på webbplatsen. Skriv den första uppdateringen."
        : undefined,
    });
  })
  .post("/incidents/:id/preview", async (c) => {
    const incident = await requireIncident(c.env.deps.db, c.req.param("id"));
    const values = readComposeValues(await readForm(c.req));
    const { problems, preview } = await buildPreview(c, incident, values);
    preview.warnings.unshift(...problems.map((p) => ({ ...p, blocking: true })));
    // The page's script swaps in the rendered part; other clients may ask for the data itself.
    if (c.req.header("accept")?.includes("application/json")) return c.json(preview);
    return renderFragment(c, "staff/preview", { preview });
  })
  .post("/incidents/:id/updates", async (c) => {
    const { deps } = c.env;
    const actor = c.get("actor");
    const incident = await requireIncident(deps.db, c.req.param("id"));
    const form = await readForm(c.req);
    const values = readComposeValues(form);
    const imageProblems = await takeUploadedImage(c, values);
    const { input, problems, preview } = await buildPreview(c, incident, values);
    preview.warnings.unshift(...[...imageProblems, ...problems].map((p) => ({ ...p, blocking: true })));
    if (form.action !== "publish") return composePage(c, incident, values, { preview });
    const blocking = preview.warnings.filter((w) => w.blocking);
    if (!values.body) blocking.unshift({ field: "body", message: COMPOSE_MESSAGES.body, blocking: true });
    if (blocking.length) {
      return composePage(c, incident, values, { preview, errors: blocking }, 400);
    }
    try {
      const posted = await postUpdate(deps, actor, input);
      return c.redirect(`/staff/updates/${posted.update.id}?klart=publicerad`, 303);
    } catch (error) {
      const errors = toSwedishErrors(error, COMPOSE_MESSAGES, "targets");
      if (!errors) throw error;
      return composePage(c, incident, values, { preview, errors }, errorStatus(error));
    }
  });
