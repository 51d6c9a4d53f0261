// The incident form, shared by opening and editing an incident: what was typed, and Swedish
// messages for the fields the domain checks.
import { type Form, text } from "./form";
import { readCapForm } from "./incident-cap-form";

export const INCIDENT_MESSAGES: Record<string, string> = {
  title: "Skriv en rubrik på 3–200 tecken, till exempel ”Vattenläcka i centrum”.",
  summary: "Sammanfattningen får vara högst 2 000 tecken.",
  severity: "Välj hur allvarlig händelsen är.",
  areas: "Ange berörda områden åtskilda med kommatecken (högst 50 områden, vart och ett högst 100 tecken).",
  registrationNumber: "Diarienumret får vara högst 100 tecken.",
  borrowingReason: "Skälet till att låna konton ska vara 3–500 tecken, eller lämnas tomt.",
  areaCodes: "En av områdeskoderna finns inte. Välj län och kommuner i listan.",
  polygon:
    "Skriv polygonen som minst fyra punkter latitud,longitud åtskilda med mellanslag, där den sista är samma som den första.",
  expectedEnd: "Ange när händelsen väntas vara över som datum och klockslag, eller lämna fältet tomt.",
  cap: "Välj ett av värdena i listan, eller Enligt allvarlighetsgrad.",
};

export type IncidentValues = ReturnType<typeof readIncidentForm>;

export function readIncidentForm(form: Form) {
  return {
    title: text(form, "title"),
    summary: text(form, "summary"),
    severity: text(form, "severity"),
    areas: text(form, "areas"),
    registrationNumber: text(form, "registrationNumber"),
    borrowingReason: text(form, "borrowingReason"),
    ...readCapForm(form),
  };
}

/** "Centrum, Norrby" (or one per line) as the list the domain keeps. */
export function areasOf(values: IncidentValues): string[] {
  return values.areas
    .split(/[,\n]/)
    .map((a) => a.trim())
    .filter(Boolean);
}
