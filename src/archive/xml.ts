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
  const parts = Object.fromEntries(
    STOCKHOLM.formatToParts(new Date(seconds)).map((p) => [p.type, p.value] as const),
  ) as Record<string, string>;
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
  const offset = Math.round((local - seconds) / 60_000);
  const sign = offset < 0 ? "-" : "+";
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
  const mm = String(Math.abs(offset) % 60).padStart(2, "0");
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour === "24" ? "00" : parts.hour}:${parts.minute}:${parts.second}${sign}${hh}:${mm}`;
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
