// How incidents and updates look in the JSON API.
import type { Incident } from "../../domain/publishing/incidents";
import { incidentUrl, updateUrl } from "../../domain/publishing/links";
import type { Update } from "../../domain/publishing/updates";

export function toIncidentView(incident: Incident, publicUrl: string) {
  return {
    id: incident.id,
    slug: incident.slug,
    url: incidentUrl(publicUrl, incident.slug, incident.exercise),
    status: incident.status,
    exercise: incident.exercise,
    resetAt: incident.resetAt,
    title: incident.title,
    summary: incident.summary,
    severity: incident.severity,
    areas: incident.areas,
    areaCodes: incident.areaCodes,
    polygon: incident.polygon,
    expectedEnd: incident.expectedEnd,
    cap: incident.cap,
    registrationNumber: incident.registrationNumber,
    borrowingReason: incident.borrowingReason,
    openedAt: incident.openedAt,
    closedAt: incident.closedAt,
    updatedAt: incident.updatedAt,
  };
}

export function toUpdateView(update: Update, incident: Pick<Incident, "slug" | "exercise">, publicUrl: string) {
  return {
    id: update.id,
    incidentId: update.incidentId,
    number: update.number,
    kind: update.kind,
    state: update.state,
    body: update.body,
    url: updateUrl(publicUrl, incident.slug, update.number, incident.exercise),
    author: update.author,
    signature: update.signature,
    variants: update.variants,
    image: update.image,
    urgent: update.urgent,
    instruction: update.instruction,
    cap: update.cap,
    createdAt: update.createdAt,
    publishedAt: update.publishedAt,
    revision: update.revision,
    editedAt: update.editedAt,
    editReason: update.editReason,
    withdrawnAt: update.withdrawnAt,
    withdrawnReason: update.withdrawnReason,
  };
}
