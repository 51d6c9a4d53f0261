// The CAP 1.2 <info> values an alerting system acts on. A communicator may choose each per
// incident and per update; what is left unchosen follows the incident's severity through the
// small mapping below, so the XML never hard-codes them.
import { z } from "zod";
import type { CapChoices, Severity } from "../db/schema";

export const CAP_CATEGORIES = [
  "Geo",
  "Met",
  "Safety",
  "Security",
  "Rescue",
  "Fire",
  "Health",
  "Env",
  "Transport",
  "Infra",
  "CBRNE",
  "Other",
] as const;
export const CAP_URGENCIES = ["Immediate", "Expected", "Future", "Past", "Unknown"] as const;
export const CAP_SEVERITIES = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"] as const;
export const CAP_CERTAINTIES = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"] as const;
export const CAP_RESPONSE_TYPES = [
  "Shelter",
  "Evacuate",
  "Prepare",
  "Execute",
  "Avoid",
  "Monitor",
  "Assess",
  "AllClear",
  "None",
] as const;

export interface CapValues {
  category: string;
  urgency: string;
  severity: string;
  certainty: string;
  responseType: string;
}

/** What an incident of each severity says unless the communicator chooses otherwise. */
export const CAP_DEFAULTS: Record<Severity, CapValues> = {
  info: { category: "Infra", urgency: "Expected", severity: "Minor", certainty: "Observed", responseType: "None" },
  minor: {
    category: "Infra",
    urgency: "Immediate",
    severity: "Moderate",
    certainty: "Observed",
    responseType: "Monitor",
  },
  major: {
    category: "Infra",
    urgency: "Immediate",
    severity: "Severe",
    certainty: "Observed",
    responseType: "Monitor",
  },
  critical: {
    category: "Safety",
    urgency: "Immediate",
    severity: "Extreme",
    certainty: "Observed",
    responseType: "Prepare",
  },
};

/** The all-clear and the closing message: the event is over, whatever was chosen for it. */
export const CAP_ALL_CLEAR: Omit<CapValues, "category"> = {
  urgency: "Past",
  severity: "Minor",
  certainty: "Observed",
  responseType: "AllClear",
};

export const CapChoicesInput = z
  .object({
    category: z.enum(CAP_CATEGORIES).optional(),
    urgency: z.enum(CAP_URGENCIES).optional(),
    severity: z.enum(CAP_SEVERITIES).optional(),
    certainty: z.enum(CAP_CERTAINTIES).optional(),
    responseType: z.enum(CAP_RESPONSE_TYPES).optional(),
  })
  .strict();

/** Update over incident over the default by severity; an all-clear always says the event is over. */
export function resolveCapValues(
  severity: Severity,
  incident: CapChoices | undefined,
  update: CapChoices | undefined,
  allClear: boolean,
): CapValues {
  const chosen: CapValues = { ...CAP_DEFAULTS[severity], ...defined(incident), ...defined(update) };
  return allClear ? { ...chosen, ...CAP_ALL_CLEAR } : chosen;
}

function defined(choices: CapChoices | undefined): CapChoices {
  return Object.fromEntries(Object.entries(choices ?? {}).filter(([, v]) => v !== undefined && v !== ""));
}
