// Text into XML 1.0: escaped, and with the control characters XML cannot carry at all replaced
// (user text may hold them; the JSON and CSV renditions keep the original).
const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd")
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}

/** Local time in Europe/Stockholm with its offset and whole seconds: 2026-11-21T14:05:00+01:00. */
export function stockholmTime(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000) * 1000;
  const offset = stockholmOffset(seconds);
  const local = new Date(seconds + offset * 60_000);
  const two = (n: number) => String(n).padStart(2, "0");
  const sign = offset < 0 ? "-" : "+";
  const hh = two(Math.floor(Math.abs(offset) / 60));
  const mm = two(Math.abs(offset) % 60);
  return `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())}T${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}${sign}${hh}:${mm}`;
}

// Asking Intl for the offset costs more than the rest of an export's CAP message, and an export
// asks thousands of times within a few hours: the offset is kept per UTC hour, for an hour whose
// first and last second agree (Stockholm changes at 01:00 UTC; any other hour is worked out each time).
const offsetsByHour = new Map<number, number>();

function stockholmOffset(seconds: number): number {
  const hour = Math.floor(seconds / 3_600_000);
  const known = offsetsByHour.get(hour);
  if (known !== undefined) return known;
  const first = offsetAt(hour * 3_600_000);
  if (first !== offsetAt(hour * 3_600_000 + 3_599_000)) return offsetAt(seconds);
  if (offsetsByHour.size >= 10_000) offsetsByHour.clear();
  offsetsByHour.set(hour, first);
  return first;
}

/** Minutes east of UTC in Stockholm at a whole second. */
function offsetAt(seconds: number): number {
  const parts = Object.fromEntries(
    STOCKHOLM.formatToParts(new Date(seconds)).map((p) => [p.type, p.value] as const),
  ) as Record<string, string>;
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
  return Math.round((local - seconds) / 60_000);
}

const STOCKHOLM = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Stockholm",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
