// Managing crisis message templates in the staff interface (communicators and admins): a new
// template, changing one, retiring one. The same domain verbs as the API, so the same checks.
import { type Context, Hono } from "hono";
import { CRISIS_TYPES, SEVERITIES } from "../../db/schema";
import type { AppEnv } from "../../deps";
import { requireCan } from "../../domain/people/access";
import {
  changeTemplate,
  createTemplate,
  type MessageTemplate,
  readTemplate,
  retireTemplate,
} from "../../domain/publishing/message-templates";
import { PLACEHOLDERS } from "../../domain/publishing/placeholders";
import type { FieldError } from "../../errors";
import { PLATFORMS } from "../../platforms/types";
import { errorStatus, type Form, readForm, text, toSwedishErrors } from "./form";
import { type PageStatus, renderPage } from "./page";
import { CRISIS_TYPE_SV } from "./templates";

const MESSAGES: Record<string, string> = {
  name: "Skriv mallens namn (2–200 tecken).",
  crisisType: "Välj vilken sorts händelse mallen gäller.",
  titlePattern: "Skriv en rubrik på 3–200 tecken.",
  severity: "Välj hur allvarlig händelsen brukar vara.",
  firstUpdate: "Skriv den första uppdateringens text (högst 5 000 tecken).",
};

type TemplateValues = {
  name: string;
  crisisType: string;
  titlePattern: string;
  severity: string;
  firstUpdate: string;
  phrases: string;
  allClear: string;
  variants: Record<string, string>;
};

function readTemplateForm(form: Form): TemplateValues {
  const variants: Record<string, string> = {};
  for (const p of PLATFORMS) variants[p] = text(form, `variants.${p}`);
  return {
    name: text(form, "name"),
    crisisType: text(form, "crisisType"),
    titlePattern: text(form, "titlePattern"),
    severity: text(form, "severity"),
    firstUpdate: text(form, "firstUpdate"),
    phrases: text(form, "phrases"),
    allClear: text(form, "allClear"),
    variants,
  };
}

function valuesOf(t: MessageTemplate): TemplateValues {
  return { ...t, phrases: t.phrases.join("\n"), variants: { ...t.variants } as Record<string, string> };
}

/** Phrases one per line; empty variants are no variant. */
function toInput(v: TemplateValues) {
  return {
    ...v,
    phrases: v.phrases
      .split("\n")
      .map((p) => p.trim())
      .filter(Boolean),
    variants: Object.fromEntries(Object.entries(v.variants).filter(([, text]) => text)),
  };
}

/** "phrases.2" and "variants.x" point at the form's own fields. */
function anchored(errors: FieldError[]): FieldError[] {
  return errors.map((e) => ({
    ...e,
    field: e.field.replace(/^phrases\.\d+$/, "phrases").replace(/^variants\./, "variants-"),
  }));
}

function templateForm(
  c: Context<AppEnv>,
  template: { id: string; name: string } | null,
  values: TemplateValues,
  errors: FieldError[] = [],
  status: PageStatus = 200,
) {
  requireCan(c.get("actor"), "template.manage");
  return renderPage(
    c,
    "staff/template-form",
    {
      title: template ? `Ändra mallen ${template.name}` : "Ny mall",
      section: "incidents",
      template,
      values,
      errors,
      crisisTypes: CRISIS_TYPES.map((t) => [t, CRISIS_TYPE_SV[t]]),
      severities: SEVERITIES,
      platforms: PLATFORMS,
      placeholders: PLACEHOLDERS.map((p) => `{${p}}`).join(", "),
    },
    status,
  );
}

const EMPTY: TemplateValues = {
  name: "",
  crisisType: "other",
  titlePattern: "",
  severity: "minor",
  firstUpdate: "",
  phrases: "",
  allClear: "",
  variants: {},
};

export const templateEditPages = new Hono<AppEnv>()
  .get("/templates/new", (c) => templateForm(c, null, EMPTY))
  .post("/templates", async (c) => {
    requireCan(c.get("actor"), "template.manage");
    const values = readTemplateForm(await readForm(c.req));
    try {
      await createTemplate(c.env.deps, c.get("actor"), toInput(values));
      return c.redirect("/staff/templates?klart=skapad", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, MESSAGES, "name");
      if (!errors) throw error;
      return templateForm(c, null, values, anchored(errors), errorStatus(error));
    }
  })
  .get("/templates/:id", async (c) => {
    requireCan(c.get("actor"), "template.manage");
    const t = await readTemplate(c.env.deps, c.get("actor"), c.req.param("id"));
    return templateForm(c, t, valuesOf(t));
  })
  .post("/templates/:id", async (c) => {
    const { deps } = c.env;
    requireCan(c.get("actor"), "template.manage");
    const t = await readTemplate(deps, c.get("actor"), c.req.param("id"));
    const values = readTemplateForm(await readForm(c.req));
    try {
      await changeTemplate(deps, c.get("actor"), t.id, toInput(values));
      return c.redirect("/staff/templates?klart=sparad", 303);
    } catch (error) {
      const errors = toSwedishErrors(error, MESSAGES, "name");
      if (!errors) throw error;
      return templateForm(c, t, values, anchored(errors), errorStatus(error));
    }
  })
  .post("/templates/:id/retire", async (c) => {
    await retireTemplate(c.env.deps, c.get("actor"), c.req.param("id"));
    return c.redirect("/staff/templates?klart=arkiverad", 303);
  });
