// A second incident with the same title and diarienummer is most often the first one opened twice
// (two people on duty, a double click): people are warned, naming the one that exists, and may go on.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { incidents } from "../../db/schema";
import type { Incident } from "./incidents";

export interface DuplicateWarning {
  code: "duplicate_incident";
  message: string;
  incidentId: string;
}

/** Incidents, newest first, whose title (ignoring case and spaces around) and diarienummer match. */
export async function findDuplicateIncidents(
  db: DbOrTx,
  input: { title: string; registrationNumber?: string | null; exercise?: boolean },
): Promise<Incident[]> {
  const title = input.title.trim().toLowerCase();
  const number = input.registrationNumber?.trim() || null;
  if (!title) return [];
  return db
    .select()
    .from(incidents)
    .where(
      and(
        eq(sql`lower(trim(${incidents.title}))`, title),
        // An exercise repeats a real incident's title on purpose, and a fresh run its reset one's.
        eq(incidents.exercise, input.exercise ?? false),
        input.exercise ? isNull(incidents.resetAt) : undefined,
        number === null ? isNull(incidents.registrationNumber) : eq(incidents.registrationNumber, number),
      ),
    )
    .orderBy(desc(incidents.openedAt))
    .limit(5);
}

export function duplicateWarnings(found: Incident[]): DuplicateWarning[] {
  return found.map((incident) => ({
    code: "duplicate_incident",
    message: `Det finns redan en händelse med samma rubrik${incident.registrationNumber ? ` och diarienummer (${incident.registrationNumber})` : ""}: ”${incident.title}”, ${incident.status === "active" ? "pågående" : "avslutad"}.`,
    incidentId: incident.id,
  }));
}
