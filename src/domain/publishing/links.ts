// Permanent website URLs. Every social post links to updateUrl, so these never change shape.
// An exercise (krisövning) lives under /ovning instead of /incidents, so nothing about it can be
// mistaken for the real thing, and a real page's address can never lead to an exercise.

/** Where exercises live on the website: their index, pages, feeds and CAP messages. */
export const EXERCISE_BASE = "/ovning";

export function incidentPath(slug: string, exercise = false): string {
  return `${exercise ? EXERCISE_BASE : "/incidents"}/${encodeURIComponent(slug)}`;
}
export function updatePath(slug: string, number: number, exercise = false): string {
  return `${incidentPath(slug, exercise)}/updates/${number}`;
}
export function incidentUrl(publicUrl: string, slug: string, exercise = false): string {
  return publicUrl + incidentPath(slug, exercise);
}
export function updateUrl(publicUrl: string, slug: string, number: number, exercise = false): string {
  return publicUrl + updatePath(slug, number, exercise);
}
/** The update's page in a language: Swedish at the root, other languages under their tag ("/en/..."). */
export function localisedUpdateUrl(
  publicUrl: string,
  slug: string,
  number: number,
  language: string,
  exercise = false,
): string {
  // An exercise has its pages under /ovning in Swedish only.
  if (language === "sv" || exercise) return updateUrl(publicUrl, slug, number, exercise);
  return `${publicUrl}/${language}${updatePath(slug, number)}`;
}
