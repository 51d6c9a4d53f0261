// The profile's checks that need no database: contrast, the SVG allow-list, PNG headers, and
// the word-boundary cut of link previews.
import { describe, expect, test } from "vitest";
import { DEMO_LOGO_SVG } from "../../src/demo";
import { contrastRatio, normaliseHexColour } from "../../src/domain/publishing/contrast";
import { checkPngLogo, checkSvgLogo, InvalidPngError, UnsafeSvgError } from "../../src/domain/publishing/logo-check";
import { cutAtWord } from "../../src/render/link-preview";
import { pngToIco } from "../../src/render/rasterise-logo";

const svg = (inner: string, attrs = "") =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"${attrs}>${inner}</svg>`;

describe("contrast", () => {
  test("follows WCAG 2.1: black on white is 21:1, a colour on itself 1:1", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#0b2f52", "#0b2f52")).toBeCloseTo(1, 5);
    // #767676 on white is the well-known lightest grey that passes AA (4.54:1); #777777 fails.
    expect(contrastRatio("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio("#777777", "#ffffff")).toBeLessThan(4.5);
  });
  test("colours are normalised to #rrggbb and anything else is refused", () => {
    expect(normaliseHexColour("#ABC")).toBe("#aabbcc");
    expect(normaliseHexColour("#0B2F52")).toBe("#0b2f52");
    expect(normaliseHexColour("red")).toBeNull();
    expect(normaliseHexColour("#12345")).toBeNull();
    expect(normaliseHexColour("#fff;}body{display:none")).toBeNull();
  });
});

describe("the SVG logo allow-list", () => {
  test("accepts the demo logo and plain shapes with gradients and internal references", () => {
    expect(() => checkSvgLogo(DEMO_LOGO_SVG)).not.toThrow();
    const ok = svg(
      `<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/>`,
    );
    expect(() => checkSvgLogo(`<?xml version="1.0" encoding="UTF-8"?>\n<!-- logo -->\n${ok}\n`)).not.toThrow();
  });

  test.each([
    ["a script", svg(`<script>alert(1)</script>`), /script/],
    ["an event handler", svg(`<rect width="1" height="1" onclick="alert(1)"/>`), /onclick/],
    ["an event handler on the root", svg("", ` onload="alert(1)"`), /onload/],
    ["foreignObject", svg(`<foreignObject><div/></foreignObject>`), /foreignObject/],
    ["an external image", svg(`<image href="https://evil.example/x.png"/>`), /image/],
    ["an external use", svg(`<use href="https://evil.example/s.svg#a"/>`), /external reference/],
    ["a javascript: link hidden in entities", svg(`<use xlink:href="&#106;avascript:alert(1)"/>`), /external/],
    ["an external url() in a style attribute", svg(`<rect style="fill:url(https://evil.example/a)"/>`), /external/],
    ["an @import in a style sheet", svg(`<style>@import "https://evil.example/a.css";</style>`), /style sheet/],
    ["a DOCTYPE with entities", `<!DOCTYPE svg [<!ENTITY x "y">]>${svg("")}`, /DOCTYPE/],
    ["CDATA", svg(`<style><![CDATA[rect{}]]></style>`), /CDATA/],
    ["an animation that sets an attribute", svg(`<set attributeName="href" to="javascript:alert(1)"/>`), /set/],
    ["a link element", svg(`<a href="https://evil.example"><rect/></a>`), /<a>/],
    ["two roots", `${svg("")}${svg("")}`, /one <svg>/],
    ["not an SVG at all", "<html><body/></html>", /html/],
  ])("refuses %s, naming it", (_, text, reason) => {
    expect(() => checkSvgLogo(text)).toThrow(UnsafeSvgError);
    expect(() => checkSvgLogo(text)).toThrow(reason);
  });
});

describe("the PNG logo check", () => {
  const png = (width: number, height: number) => {
    const bytes = new Uint8Array(40);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(bytes.buffer).setUint32(16, width);
    new DataView(bytes.buffer).setUint32(20, height);
    return bytes;
  };
  test("reads the size from the header and refuses what is not a PNG or is absurdly large", () => {
    expect(checkPngLogo(png(512, 256))).toEqual({ width: 512, height: 256 });
    expect(() => checkPngLogo(new TextEncoder().encode("GIF89a........................................"))).toThrow(
      InvalidPngError,
    );
    expect(() => checkPngLogo(png(100_000, 10))).toThrow(/100000×10/);
  });
  test("an .ico wraps the PNG with a directory that points at it", () => {
    const ico = pngToIco(png(32, 32), 32);
    const view = new DataView(ico.buffer);
    expect([view.getUint16(0, true), view.getUint16(2, true), view.getUint16(4, true)]).toEqual([0, 1, 1]);
    expect(ico[6]).toBe(32);
    expect(view.getUint32(14, true)).toBe(40);
    expect(view.getUint32(18, true)).toBe(22);
    expect([...ico.subarray(22, 26)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});

describe("link preview descriptions", () => {
  test("are cut at a word boundary with an ellipsis, and short text is left whole", () => {
    expect(cutAtWord("Vattnet är avstängt.", 200)).toBe("Vattnet är avstängt.");
    const long = "Vattnet är avstängt i hela Norrby efter en läcka på huvudledningen, och tankbilar står vid skolan";
    const cut = cutAtWord(long, 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut.endsWith("…")).toBe(true);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(long[cut.length - 1]).toBe(" ");
  });
});
