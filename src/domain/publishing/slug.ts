// Readable, stable URL slugs for incidents: "2026-11-22-vattenlacka-i-centrum".
const FOLD: Record<string, string> = { å: "a", ä: "a", ö: "o", é: "e", ü: "u", æ: "ae", ø: "o" };

export function slugify(title: string, day: string): string {
  const words = title
    .toLowerCase()
    .replace(/[åäöéüæø]/g, (c) => FOLD[c] ?? c)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return `${day}-${words || "handelse"}`;
}

/** The date in Stockholm (YYYY-MM-DD): slugs follow the local day the public knows. */
export function stockholmDay(at: Date): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", dateStyle: "short" }).format(at);
}
