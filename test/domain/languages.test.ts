// The language table and the rules built on it: tags, names in themselves, direction, the
// offered-languages rule, which language a delivery gets, and which language an API error speaks.
import { describe, expect, test } from "vitest";
import { planDeliveryLanguage } from "../../src/domain/publishing/delivery-languages";
import {
  canonicalLanguageTag,
  describeLanguage,
  EASY_SWEDISH,
  OfferedLanguages,
} from "../../src/domain/publishing/languages";
import { errorCodes } from "../../src/errors";
import { chooseApiLocale } from "../../src/routes/api-error-language";
import { errorTexts } from "../../src/routes/staff/error-texts";

const NOW = new Date("2026-11-21T13:05:00Z");

describe("languages", () => {
  test("tags are canonicalised, and anything else is no tag", () => {
    expect(canonicalLanguageTag("EN-gb")).toBe("en-GB");
    expect(canonicalLanguageTag(EASY_SWEDISH)).toBe("sv-x-lattlast");
    for (const bad of ["", " en", "en_US", "not a tag", "123", "x".repeat(40)])
      expect(canonicalLanguageTag(bad)).toBeNull();
  });

  test("each language is named in itself; Arabic and Persian run right to left", () => {
    expect(describeLanguage("en").name).toBe("English");
    expect(describeLanguage("fi").name).toBe("Suomi");
    expect(describeLanguage("so").name).toBe("Soomaali");
    expect(describeLanguage("ti").name).toBe("ትግርኛ");
    expect(describeLanguage("sv-x-lattlast").name).toBe("Lättläst svenska");
    expect(describeLanguage("ar")).toMatchObject({ name: "العربية", direction: "rtl" });
    expect(describeLanguage("fa")).toMatchObject({ name: "فارسی", direction: "rtl" });
    expect(describeLanguage("ar-SE").direction).toBe("rtl");
    expect(describeLanguage("en").direction).toBe("ltr");
    // An unknown language shows its tag rather than a made-up name.
    expect(describeLanguage("qaa").name).toBe("qaa");
  });

  test("the offered languages start with Swedish and repeat nothing", () => {
    expect(OfferedLanguages.parse(["sv", "EN"])).toEqual(["sv", "en"]);
    expect(OfferedLanguages.safeParse(["en", "sv"]).success).toBe(false);
    expect(OfferedLanguages.safeParse(["sv", "en", "en"]).success).toBe(false);
    expect(OfferedLanguages.safeParse([]).success).toBe(false);
  });
});

describe("a delivery's language", () => {
  const available = new Set(["en"]);
  test("the translation when there is one, Swedish at once when not, or a wait when the account waits", () => {
    expect(planDeliveryLanguage({ language: "sv", translationWaitMinutes: 30 }, available, NOW)).toMatchObject({
      language: "sv",
      nextAttemptAt: NOW,
    });
    expect(planDeliveryLanguage({ language: "en", translationWaitMinutes: null }, available, NOW).language).toBe("en");
    expect(planDeliveryLanguage({ language: "ar", translationWaitMinutes: null }, available, NOW)).toMatchObject({
      language: "sv",
      nextAttemptAt: NOW,
    });
    const waits = planDeliveryLanguage({ language: "ar", translationWaitMinutes: 15 }, available, NOW);
    expect(waits.language).toBe("ar");
    expect(waits.nextAttemptAt?.getTime()).toBe(NOW.getTime() + 15 * 60_000);
    expect(waits.message).toContain("arabiska");
  });
});

describe("API error language", () => {
  test("Swedish unless English is preferred", () => {
    expect(chooseApiLocale(undefined)).toBe("sv");
    expect(chooseApiLocale("en")).toBe("en");
    expect(chooseApiLocale("en-US,en;q=0.9")).toBe("en");
    expect(chooseApiLocale("sv-SE,en;q=0.5")).toBe("sv");
    expect(chooseApiLocale("de, en;q=0.3")).toBe("en");
    expect(chooseApiLocale("fr")).toBe("sv");
    expect(chooseApiLocale("en;q=abc")).toBe("sv");
  });

  test("every error code has English words", () => {
    const missing = Object.keys(errorCodes).filter((code) => !(code in (errorTexts.en ?? {})));
    expect(missing).toEqual([]);
  });
});
