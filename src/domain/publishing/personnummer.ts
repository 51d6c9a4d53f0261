// Requirement 9: no personal identity numbers in posts. Finds checksum-valid personnummer and
// samordningsnummer in any common written form, and says where they are.
import Personnummer from "personnummer";
import { type FieldError, UnprocessableError } from "../../errors";

// 6 or 8 digits of date, optional separator (-, +, space), 4 digits; not inside a longer number.
const CANDIDATE = /(?<![\d])(?:\d{2})?\d{6}[-+ ]?\d{4}(?![\d])/g;

export interface Finding {
  match: string;
  index: number;
}

export function findPersonalIdentityNumbers(text: string): Finding[] {
  const found: Finding[] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const candidate = m[0].replace(" ", "-");
    if (Personnummer.valid(candidate, { allowCoordinationNumber: true, allowInterimNumber: false })) {
      found.push({ match: m[0], index: m.index ?? 0 });
    }
  }
  return found;
}

/** Throws 422 naming the field and the character position of every number found. */
export function refusePersonalIdentityNumbers(fields: Record<string, string | undefined | null>): void {
  const problems: FieldError[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    for (const f of findPersonalIdentityNumbers(text)) {
      const params = { position: f.index + 1, masked: mask(f.match) };
      problems.push({ field, code: "personnummer_found", message: personnummerMessage(params), params });
    }
  }
  if (problems.length) {
    throw new UnprocessableError(
      "personnummer_found",
      `Personnummer får inte publiceras: ${problems.map((p) => p.message).join(" ")}`,
      { fields: problems, params: { count: problems.length } },
    );
  }
}

// The API's message stays Swedish, as it always was; the staff pages word it from the code.
function personnummerMessage(p: { position: number; masked: string }): string {
  return `Texten innehåller ett personnummer vid tecken ${p.position} ("${p.masked}"). Ta bort det innan publicering.`;
}

function mask(pin: string): string {
  return pin.slice(0, -4).replace(/\d/g, "•") + pin.slice(-4).replace(/\d/g, "•");
}
