// The incident form's fields for alerting systems (CAP): areas picked from the SCB table, a
// polygon, the expected end and the CAP values, each showing the default it falls back to.
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_DEFAULTS,
  CAP_RESPONSE_TYPES,
  CAP_SEVERITIES,
  CAP_URGENCIES,
  type CapValues,
} from "../../archive/cap-fields";
import { stockholmTime } from "../../archive/xml";
import type { CapChoices, Severity } from "../../db/schema";
import { SWEDISH_AREAS } from "../../domain/publishing/swedish-areas";
import { type Form, list, text } from "./form";

const SEVERITY_LABEL: Record<Severity, string> = {
  info: "information",
  minor: "mindre störning",
  major: "allvarlig störning",
  critical: "mycket allvarlig störning",
};

const CAP_FIELDS: { name: keyof CapValues; label: string; values: readonly string[] }[] = [
  { name: "category", label: "Kategori", values: CAP_CATEGORIES },
  { name: "urgency", label: "Brådska", values: CAP_URGENCIES },
  { name: "severity", label: "Allvarlighet", values: CAP_SEVERITIES },
  { name: "certainty", label: "Säkerhet", values: CAP_CERTAINTIES },
  { name: "responseType", label: "Åtgärd", values: CAP_RESPONSE_TYPES },
];

export interface CapFormValues {
  areaCodes: string[];
  polygon: string;
  expectedEnd: string;
  cap: Record<string, string>;
}

/** What the template lists: the areas and each CAP field with the default by severity. */
export function capFormOptions() {
  return {
    areas: SWEDISH_AREAS,
    fields: CAP_FIELDS.map((f) => ({ ...f, defaults: defaultsText(f.name) })),
  };
}

/** "Infra (information, mindre störning, allvarlig störning); Safety (mycket allvarlig störning)" */
function defaultsText(name: keyof CapValues): string {
  const byValue = new Map<string, string[]>();
  for (const [severity, values] of Object.entries(CAP_DEFAULTS) as [Severity, CapValues][]) {
    byValue.set(values[name], [...(byValue.get(values[name]) ?? []), SEVERITY_LABEL[severity]]);
  }
  return [...byValue].map(([value, severities]) => `${value} (${severities.join(", ")})`).join("; ");
}

export function readCapForm(form: Form): CapFormValues {
  return {
    areaCodes: list(form, "areaCodes"),
    polygon: text(form, "polygon"),
    expectedEnd: text(form, "expectedEnd"),
    cap: Object.fromEntries(CAP_FIELDS.map((f) => [f.name, text(form, `cap.${f.name}`)])),
  };
}

export function capValuesOf(incident: {
  areaCodes: string[];
  polygon: [number, number][] | null;
  expectedEnd: Date | null;
  cap: CapChoices;
}): CapFormValues {
  return {
    areaCodes: incident.areaCodes,
    polygon: incident.polygon?.map(([lat, lon]) => `${lat},${lon}`).join(" ") ?? "",
    expectedEnd: incident.expectedEnd ? stockholmTime(incident.expectedEnd).slice(0, 16) : "",
    cap: { ...incident.cap } as Record<string, string>,
  };
}

/** The domain input; an emptied field clears it (null), as the form always sends every field. */
export function capInputOf(values: CapFormValues) {
  return {
    areaCodes: values.areaCodes,
    polygon: values.polygon ? parsePolygon(values.polygon) : null,
    expectedEnd: values.expectedEnd ? fromStockholmLocal(values.expectedEnd) : null,
    cap: Object.fromEntries(Object.entries(values.cap).filter(([, v]) => v)),
  };
}

/** "59.33,18.05 59.34,18.1 …" as pairs; what does not parse stays NaN for the domain to refuse. */
function parsePolygon(typed: string): [number, number][] {
  return typed
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const [lat, lon] = pair.split(",").map((n) => (n.trim() === "" ? Number.NaN : Number(n)));
      return [lat ?? Number.NaN, lon ?? Number.NaN];
    });
}

/** A datetime-local value ("2026-12-02T18:00") read as Stockholm time; unparsable stays a string to refuse. */
function fromStockholmLocal(local: string): Date | string {
  const asUtc = Date.parse(`${local}Z`);
  if (Number.isNaN(asUtc)) return local;
  const offset = stockholmTime(new Date(asUtc)).slice(-6);
  const sign = offset.startsWith("-") ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return new Date(asUtc - minutes * 60_000);
}
