// Date fields in the staff pages name days as people in the municipality live them: a period
// "2026-03-01 to 2026-03-31" runs from midnight in Stockholm to the end of the last day.
const PARTS = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Stockholm",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** Stockholm's offset from UTC at that instant, in milliseconds (one or two hours). */
function offsetAt(at: Date): number {
  const p = Object.fromEntries(PARTS.formatToParts(at).map((x) => [x.type, x.value]));
  const local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return local - Math.floor(at.getTime() / 1000) * 1000;
}

/** Whether the text is a real calendar day written YYYY-MM-DD (what <input type="date"> sends). */
export function isDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** Midnight at the start of the day in Stockholm. */
export function stockholmDayStart(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  const utcMidnight = Date.UTC(y, m - 1, d);
  // The offset is read at a first guess and again at the instant it gives, so a day on which
  // the clocks change still starts at its own midnight (the jumps are at 02:00 and 03:00).
  const guess = utcMidnight - offsetAt(new Date(utcMidnight));
  return new Date(utcMidnight - offsetAt(new Date(guess)));
}

/** The last millisecond of the day in Stockholm. */
export function stockholmDayEnd(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return new Date(stockholmDayStart(next).getTime() - 1);
}
