// How networks count an SMS. A message in the GSM 03.38 7-bit alphabet takes 160 septets, or 153
// per part once it is split (the other 7 carry the concatenation header); the characters of the
// extension table (€ [ ] { } \ ~ ^ | and form feed) take two septets each, an escape and the
// character, and a part never ends between the two. One character outside the alphabet turns the
// whole message into UCS-2: 70 UTF-16 units, 67 per part, and a surrogate pair is never split.

const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "\f^{}\\[~]|€";

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type SmsEncoding = "gsm7" | "ucs2";

export interface SmsCount {
  encoding: SmsEncoding;
  /** Septets (GSM) or UTF-16 units (UCS-2) in the whole text. */
  units: number;
  segments: number;
}

export const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
};

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return false;
  return true;
}

/** Units one character takes: 1 or 2 septets, or 1 or 2 UTF-16 units. */
function unitsOf(ch: string, encoding: SmsEncoding): number {
  if (encoding === "gsm7") return extension.has(ch) ? 2 : 1;
  return ch.length;
}

export function countSms(text: string): SmsCount {
  const encoding: SmsEncoding = isGsm7(text) ? "gsm7" : "ucs2";
  const { single, part } = LIMITS[encoding];
  let units = 0;
  for (const ch of text) units += unitsOf(ch, encoding);
  if (units === 0) return { encoding, units, segments: 1 };
  if (units <= single) return { encoding, units, segments: 1 };
  // Filled part by part, as a phone splits it: a two-unit character that does not fit moves on.
  let segments = 1;
  let used = 0;
  for (const ch of text) {
    const n = unitsOf(ch, encoding);
    if (used + n > part) {
      segments++;
      used = 0;
    }
    used += n;
  }
  return { encoding, units, segments };
}

/**
 * The longest start of `body` (cut at a word where possible, marked with an ellipsis) for which
 * `assemble(body)` fits in `maxSegments`. The parts `assemble` adds around it (the permalink,
 * the unsubscribe link) are always kept, even when they alone take more.
 */
export function shortenToSegments(body: string, maxSegments: number, assemble: (body: string) => string): string {
  const whole = assemble(body);
  if (countSms(whole).segments <= maxSegments) return whole;
  const chars = Array.from(body);
  // Three dots, not "…", which is outside GSM 03.38 and would turn a GSM message into UCS-2.
  const ellipsis = "...";
  const cut = (n: number) => {
    const start = chars.slice(0, n).join("");
    const space = start.search(/\s\S*$/);
    const atWord = space > n / 2 ? start.slice(0, space) : start;
    return `${atWord.trimEnd()}${ellipsis}`;
  };
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (countSms(assemble(cut(mid))).segments <= maxSegments) lo = mid;
    else hi = mid - 1;
  }
  return assemble(lo > 0 ? cut(lo) : "");
}
