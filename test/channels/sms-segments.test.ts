import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { countSms, isGsm7, shortenToSegments } from "../../src/channels/sms-segments";

const GSM_BASIC_SAMPLE = "abcxyzABCXYZ0123456789 åäöÅÄÖéÉüÜñÑ@£$¥!?.,:;-_'\"()";
const GSM_EXTENDED = "€[]{}\\~^|";

describe("counting SMS segments as networks do", () => {
  test("å, ä and ö are in the GSM basic set: 160 of them fit one message", () => {
    expect(countSms("å".repeat(160))).toEqual({ encoding: "gsm7", units: 160, segments: 1 });
    expect(countSms("ä".repeat(161))).toEqual({ encoding: "gsm7", units: 161, segments: 2 });
    expect(countSms("ö".repeat(306)).segments).toBe(2);
    expect(countSms("ö".repeat(307)).segments).toBe(3);
  });

  test("€ [ ] { } \\ ~ ^ | take two septets each", () => {
    for (const ch of GSM_EXTENDED) {
      expect(countSms(ch)).toEqual({ encoding: "gsm7", units: 2, segments: 1 });
    }
    expect(countSms("€".repeat(80)).segments).toBe(1);
    expect(countSms("€".repeat(81)).segments).toBe(2);
  });

  test("a two-septet character never straddles two parts", () => {
    // 152 plain septets, then € (2): 154 does not fit in 153, so € opens the second part.
    const text = `${"a".repeat(152)}€${"a".repeat(152)}`;
    expect(countSms(text).units).toBe(306);
    expect(countSms(text).segments).toBe(3);
  });

  test("one character outside the alphabet turns the whole message into UCS-2: 70, then 67 per part", () => {
    expect(countSms(`${"a".repeat(69)}ś`)).toEqual({ encoding: "ucs2", units: 70, segments: 1 });
    expect(countSms(`${"a".repeat(70)}ś`).segments).toBe(2);
    expect(countSms("…").encoding).toBe("ucs2");
    expect(countSms(`${"a".repeat(133)}ś`).segments).toBe(2);
    expect(countSms(`${"a".repeat(134)}ś`).segments).toBe(3);
  });

  test("an emoji takes two UTF-16 units and is never split", () => {
    expect(countSms("😀").units).toBe(2);
    // 66 units then an emoji (2): it does not fit in the first 67-unit part.
    const text = `${"ś".repeat(66)}😀${"ś".repeat(66)}`;
    expect(countSms(text).segments).toBe(3);
  });

  test("property: GSM text of n basic septets takes 1 part up to 160, then ceil(n / 153)", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...GSM_BASIC_SAMPLE), maxLength: 1000 }), (text) => {
        const n = Array.from(text).length;
        const expected = n <= 160 ? 1 : Math.ceil(n / 153);
        expect(countSms(text)).toEqual({ encoding: "gsm7", units: n, segments: expected });
      }),
    );
  });

  test("property: adding a character never lowers the count, and the encoding follows the alphabet", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ minLength: 1, maxLength: 3 }), (text, more) => {
        expect(countSms(text + more).segments).toBeGreaterThanOrEqual(countSms(text).segments);
        expect(countSms(text).encoding).toBe(isGsm7(text) ? "gsm7" : "ucs2");
      }),
    );
  });
});

describe("shortening to a number of segments", () => {
  const link = "https://kris.exempel.se/incidents/vattenlacka/updates/3";
  const assemble = (body: string) =>
    `Exempelkommun: Vattenläcka\n${body}\n${link}\nAvsluta: https://kris.exempel.se/avsluta/av_x`;

  test("a text that fits is left whole", () => {
    expect(shortenToSegments("Vattnet är tillbaka.", 1, assemble)).toBe(assemble("Vattnet är tillbaka."));
  });

  test("a long text is cut at a word with three dots, and the link is kept", () => {
    const body = "Vattnet är avstängt på Storgatan och Lilla torget. ".repeat(20);
    const sms = shortenToSegments(body, 2, assemble);
    expect(countSms(sms).segments).toBeLessThanOrEqual(2);
    expect(sms).toContain(link);
    expect(sms).toMatch(/\S\.\.\.\n/);
    expect(countSms(sms).encoding).toBe("gsm7");
  });

  test("property: whatever the text, the result fits and keeps both links", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.integer({ min: 1, max: 6 }), (body, max) => {
        const sms = shortenToSegments(body, max, assemble);
        expect(sms.endsWith(`${link}\nAvsluta: https://kris.exempel.se/avsluta/av_x`)).toBe(true);
        expect(countSms(sms).segments).toBeLessThanOrEqual(Math.max(max, countSms(assemble("")).segments));
      }),
      { numRuns: 200 },
    );
  });
});
