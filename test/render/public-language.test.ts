// A page's language: its prefix, its words and dates (always Stockholm time), its alternates and
// switcher, and how text in another language inside it is marked.
import { describe, expect, test } from "vitest";
import { localisedUrl, publicLanguageView } from "../../src/render/public-language";
import { publicTextsFor } from "../../src/render/public-texts";

const URL = "https://kris.exempel.se";
const OFFERED = ["sv", "en", "ar", "fa"];
// 13:05 UTC is 14:05 in Stockholm in November.
const AT = new Date("2026-11-21T13:05:00Z");

describe("public language view", () => {
  test("Swedish is unprefixed; other languages under their tag", () => {
    expect(localisedUrl(URL, "sv", "/incidents/x")).toBe(`${URL}/incidents/x`);
    expect(localisedUrl(URL, "sv-x-lattlast", "/")).toBe(`${URL}/sv-x-lattlast/`);
    expect(publicLanguageView(URL, OFFERED, "ar", "/").site).toBe(`${URL}/ar`);
  });

  test("dates in the language, in Stockholm time, on the Gregorian calendar", () => {
    expect(publicLanguageView(URL, OFFERED, "sv", "/").h.when(AT)).toBe("21 november 2026 kl. 14:05");
    expect(publicLanguageView(URL, OFFERED, "en", "/").h.when(AT)).toBe("21 November 2026 at 14:05");
    expect(publicLanguageView(URL, ["sv", "fi"], "fi", "/").h.when(AT)).toBe("21. marraskuuta 2026 klo 14.05");
    // Persian digits, but November 2026, not the Solar Hijri calendar.
    expect(publicLanguageView(URL, OFFERED, "fa", "/").h.when(AT)).toContain("۲۰۲۶");
    expect(publicLanguageView(URL, OFFERED, "en", "/").h.severity("major")).toBe("Serious disruption");
  });

  test("alternates name every offered language and x-default; the switcher marks the current one", () => {
    const view = publicLanguageView(URL, OFFERED, "en", "/incidents/x");
    expect(view.alternates).toEqual([
      { hreflang: "sv", href: `${URL}/incidents/x` },
      { hreflang: "en", href: `${URL}/en/incidents/x` },
      { hreflang: "ar", href: `${URL}/ar/incidents/x` },
      { hreflang: "fa", href: `${URL}/fa/incidents/x` },
      { hreflang: "x-default", href: `${URL}/incidents/x` },
    ]);
    expect(view.languages.map((l) => [l.name, l.dir, l.current])).toEqual([
      ["Svenska", "ltr", false],
      ["English", "ltr", true],
      ["العربية", "rtl", false],
      ["فارسی", "rtl", false],
    ]);
    expect(publicLanguageView(URL, ["sv"], "sv", "/").alternates).toEqual([]);
  });

  test("text in another language is marked with its lang, and dir where the direction differs", () => {
    const ar = publicLanguageView(URL, OFFERED, "ar", "/");
    expect(ar.dir).toBe("rtl");
    expect(ar.langAttrs("sv")).toBe(' lang="sv" dir="ltr"');
    expect(ar.langAttrs("ar")).toBe("");
    expect(ar.svText("Storgatan & torget")).toBe('<span lang="sv" dir="ltr">Storgatan &amp; torget</span>');
    const sv = publicLanguageView(URL, OFFERED, "sv", "/");
    expect(sv.svText("Storgatan")).toBe("Storgatan");
    expect(publicLanguageView(URL, ["sv", "ur"], "ur", "/").langAttrs("ur")).toBe(' lang="ur" dir="rtl"');
  });

  test("a language without its own table is written with the English one, and says so", () => {
    expect(publicTextsFor("pl").language).toBe("en");
    expect(publicTextsFor("en-GB").language).toBe("en");
    expect(publicTextsFor("sv-x-lattlast").language).toBe("sv-x-lattlast");
    const view = publicLanguageView(URL, ["sv", "pl"], "pl", "/");
    expect(view.lang).toBe("en");
    expect(view.language).toBe("pl");
  });
});
