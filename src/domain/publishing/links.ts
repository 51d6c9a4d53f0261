// Permanent website URLs. Every social post links to updateUrl, so these never change shape.
export function incidentPath(slug: string): string {
  return `/incidents/${encodeURIComponent(slug)}`;
}
export function updatePath(slug: string, number: number): string {
  return `${incidentPath(slug)}/updates/${number}`;
}
export function incidentUrl(publicUrl: string, slug: string): string {
  return publicUrl + incidentPath(slug);
}
export function updateUrl(publicUrl: string, slug: string, number: number): string {
  return publicUrl + updatePath(slug, number);
}
/** The update's page in a language: Swedish at the root, other languages under their tag ("/en/..."). */
export function localisedUpdateUrl(publicUrl: string, slug: string, number: number, language: string): string {
  if (language === "sv") return updateUrl(publicUrl, slug, number);
  return `${publicUrl}/${language}${updatePath(slug, number)}`;
}
