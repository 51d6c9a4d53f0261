// Canonical JSON (the shape of RFC 8785): object keys sorted by UTF-16 code units, no
// whitespace, dates as ISO 8601 UTC strings. The same record always gives the same bytes, so
// its SHA-256 can be stored and checked again years later.
export type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

export function canonicalJson(value: unknown): string {
  return JSON.stringify(toCanonical(value));
}

/** The plain value canonicalJson serialises: Dates as strings, undefined members dropped. */
export function toCanonical(value: unknown): Canonical {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("Canonical JSON has no representation for NaN or Infinity.");
    return value;
  }
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toCanonical(v)));
  if (typeof value === "object") {
    const out: { [key: string]: Canonical } = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined && typeof member !== "function") out[key] = toCanonical(member);
    }
    return out;
  }
  throw new Error(`Canonical JSON cannot hold a ${typeof value}.`);
}
