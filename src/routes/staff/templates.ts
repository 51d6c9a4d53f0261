// Crisis message templates in the staff interface: the list to open an incident from, and what a
// template puts into the incident and compose forms (text filled, placeholders pointed out).
import { Hono } from "hono";
import type { CrisisType } from "../../db/schema";
import type { AppEnv, Deps } from "../../deps";
import type { Actor } from "../../domain/people/actor";
import { listTemplates, readTemplate } from "../../domain/publishing/message-templates";
import { findPlaceholders, PLACEHOLDERS } from "../../domain/publishing/placeholders";
import { renderPage } from "./page";

export const CRISIS_TYPE_SV: Record<CrisisType, string> = {
  water: "Vatten",
  power: "Ström",
  heat: "Värme",
  storm: "Storm",
  fire_smoke: "Brand och rök",
  it_outage: "IT-avbrott",
  closure: "Stängd skola eller omsorg",
  road_closure: "Avstängd väg",
  boil_water: "Kokningsrekommendation",
  other: "Annat",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The template id from `?mall=`, or null: it goes into a redirect, so only a UUID passes. */
export function templateIdOf(raw: string | undefined): string | null {
  return raw && UUID.test(raw) ? raw : null;
}

/** The known placeholders still in the texts, for the "fill these in" box. */
export function unfilledPlaceholders(...texts: string[]): string[] {
  const known = new Set<string>(PLACEHOLDERS);
  return [...new Set(texts.flatMap(findPlaceholders).filter((p) => known.has(p)))];
}

/** What a template puts into the compose form: the first update's text, or the all-clear's. */
export async function templateCompose(deps: Pick<Deps, "db">, actor: Actor, id: string, kind: string) {
  const t = await readTemplate(deps, actor, id);
  const body = kind === "all_clear" && t.allClear ? t.allClear : t.firstUpdate;
  return { body, variants: t.variants as Record<string, string>, aid: { name: t.name, phrases: t.phrases } };
}

export async function templateIncident(deps: Pick<Deps, "db">, actor: Actor, id: string) {
  const t = await readTemplate(deps, actor, id);
  return { id: t.id, name: t.name, title: t.titlePattern, severity: t.severity };
}

const NOTICES: Record<string, string> = {
  skapad: "Mallen är sparad.",
  sparad: "Ändringarna i mallen är sparade.",
  arkiverad: "Mallen är arkiverad. Den finns kvar i loggen.",
};

export const templatePages = new Hono<AppEnv>().get("/templates", async (c) => {
  const templates = await listTemplates(c.env.deps, c.get("actor"));
  return renderPage(c, "staff/templates", {
    title: "Mallar för krismeddelanden",
    section: "incidents",
    notice: NOTICES[c.req.query("klart") ?? ""],
    templates: templates.map((t) => ({
      id: t.id,
      name: t.name,
      type: CRISIS_TYPE_SV[t.crisisType] ?? t.crisisType,
      severity: t.severity,
      titlePattern: t.titlePattern,
      firstUpdate: t.firstUpdate,
    })),
  });
});
