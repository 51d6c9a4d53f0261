import { describe, expect, test } from "vitest";
import { htmlCarriesLink, isSameUrl, normalizeUrl, textCarriesLink } from "../../src/platforms/lookup";

const ONE = "https://www.exempelkommun.se/incidents/brand/updates/1";
const TEN = "https://www.exempelkommun.se/incidents/brand/updates/10";

describe("recognising the hub's own link", () => {
  test("a permalink that is a prefix of another is not the other", () => {
    expect(isSameUrl(TEN, ONE)).toBe(false);
    expect(textCarriesLink(`Läs mer: ${TEN}`, ONE)).toBe(false);
    expect(htmlCarriesLink(`<a href="${TEN}">${TEN}</a>`, ONE)).toBe(false);
  });

  test("spellings of the same page match: host case, trailing slash, fragment, trailing punctuation", () => {
    expect(isSameUrl("https://WWW.Exempelkommun.se/incidents/brand/updates/1/", ONE)).toBe(true);
    expect(isSameUrl(`${ONE}#karta`, ONE)).toBe(true);
    expect(textCarriesLink(`Läs mer på ${ONE}.`, ONE)).toBe(true);
    expect(normalizeUrl("inte en länk")).toBeNull();
    expect(normalizeUrl("javascript:alert(1)")).toBeNull();
  });

  test("a query string is part of the URL", () => {
    expect(isSameUrl(`${ONE}?a=1&b=2`, `${ONE}?a=1&b=2`)).toBe(true);
    expect(isSameUrl(`${ONE}?a=1`, ONE)).toBe(false);
  });

  test("Mastodon's HTML: the href decides, with entities decoded, whatever the abridged visible text says", () => {
    const link = `${ONE}?a=1&b=2`;
    const html = `<p>Brand. <a href="${link.replace("&", "&amp;")}" rel="nofollow"><span class="invisible">https://</span><span class="ellipsis">www.exempelkommun.se/incidents/</span></a></p>`;
    expect(htmlCarriesLink(html, link)).toBe(true);
    expect(htmlCarriesLink("<p>Ingen länk</p>", link)).toBe(false);
  });
});
