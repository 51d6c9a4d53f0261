import { describe, expect, test } from "vitest";
import { countCodePoints } from "../../src/platforms/length";
import { shortenToFit } from "../../src/platforms/shorten";

const LINK = "https://www.exempelkommun.se/kris/storm/3";
const BODY =
  "Stormen har fällt träd över väg 225 mellan Ösmo och Nynäshamn. Räddningstjänsten arbetar på plats och vägen väntas öppna under eftermiddagen.";
const measure = countCodePoints;

describe("shortenToFit", () => {
  test("keeps everything, signature included, when it fits", () => {
    const fit = shortenToFit(
      { body: BODY, link: LINK, signature: "Anna Andersson, kommunikatör" },
      { limit: 500, measure },
    );
    expect(fit).toMatchObject({ fits: true, shortened: false, signature: "Anna Andersson, kommunikatör" });
    expect(fit.text).toBe(`${BODY}\n– Anna Andersson, kommunikatör\n\n${LINK}`);
  });

  test("keeps the signature and cuts the body instead", () => {
    const limit = BODY.length + 2 + LINK.length;
    const signature = "Anna Andersson, kommunikatör";
    const fit = shortenToFit({ body: BODY, link: LINK, signature }, { limit, measure });
    expect(fit).toMatchObject({ fits: true, shortened: true, signature });
    expect(fit.text.endsWith(`…\n– ${signature}\n\n${LINK}`)).toBe(true);
    expect(BODY.startsWith(fit.body.slice(0, -1))).toBe(true);
    expect(fit.length).toBeLessThanOrEqual(limit);
  });

  test("drops the signature only when it leaves no room for any of the body", () => {
    const signature = "Anna Andersson, kommunikatör";
    const limit = `– ${signature}\n\n${LINK}`.length + 3;
    const fit = shortenToFit({ body: BODY, link: LINK, signature }, { limit, measure });
    expect(fit.signature).toBeUndefined();
    expect(fit.fits).toBe(true);
    expect(fit.text.endsWith(`\n\n${LINK}`)).toBe(true);
  });

  test("cuts the body at a word boundary with an ellipsis and keeps the link", () => {
    const fit = shortenToFit({ body: BODY, link: LINK }, { limit: 90, measure });
    expect(fit.fits).toBe(true);
    expect(fit.shortened).toBe(true);
    expect(fit.length).toBeLessThanOrEqual(90);
    expect(fit.text.endsWith(`\n\n${LINK}`)).toBe(true);
    expect(fit.body.endsWith("…")).toBe(true);
    const kept = fit.body.slice(0, -1);
    expect(BODY.startsWith(kept)).toBe(true);
    expect(BODY[kept.length]).toMatch(/[\s,.]/);
    // Nothing longer would have fitted at a word boundary.
    const nextSpace = BODY.indexOf(" ", kept.length + 1);
    expect(measure(`${BODY.slice(0, nextSpace)}…\n\n${LINK}`)).toBeGreaterThan(90);
  });

  test("the link survives even when nothing else fits", () => {
    const fit = shortenToFit({ body: BODY, link: LINK, signature: "Anna" }, { limit: LINK.length, measure });
    expect(fit.text).toBe(LINK);
    expect(fit.fits).toBe(true);
    const tooSmall = shortenToFit({ body: BODY, link: LINK }, { limit: 10, measure });
    expect(tooSmall.text).toBe(LINK);
    expect(tooSmall.fits).toBe(false);
  });

  test("the variant wins over the body, and is itself shortened when needed", () => {
    const variant = "Väg 225 är avstängd vid Ösmo på grund av stormen.";
    expect(shortenToFit({ body: BODY, link: LINK, variant }, { limit: 500, measure }).text).toBe(
      `${variant}\n\n${LINK}`,
    );
    const cut = shortenToFit({ body: BODY, link: LINK, variant }, { limit: LINK.length + 2 + 20, measure });
    expect(cut.text).toBe(`Väg 225 är avstängd…\n\n${LINK}`);
  });

  test("one giant word is cut between graphemes", () => {
    const fit = shortenToFit({ body: "å".repeat(100), link: LINK }, { limit: LINK.length + 2 + 10, measure });
    expect(fit.text).toBe(`${"å".repeat(9)}…\n\n${LINK}`);
  });
});
