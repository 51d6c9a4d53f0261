// An uploaded SVG logo is shown on every public page and served from our own origin, so it must
// not be able to run anything or fetch anything. There is no DOMPurify on Workers: this is a
// strict allow-list over a small tokenizer. Anything it does not know is refused, not cleaned:
// a refused logo is re-exported by a person, a cleaned one could silently look wrong.

const ELEMENTS = new Set([
  "svg",
  "g",
  "path",
  "rect",
  "circle",
  "ellipse",
  "line",
  "polyline",
  "polygon",
  "text",
  "tspan",
  "title",
  "desc",
  "defs",
  "lineargradient",
  "radialgradient",
  "stop",
  "clippath",
  "mask",
  "symbol",
  "use",
  "style",
]);

const ATTRIBUTES = new Set([
  "xmlns",
  "xmlns:xlink",
  "xmlns:svg",
  "version",
  "id",
  "class",
  "style",
  "viewbox",
  "width",
  "height",
  "x",
  "y",
  "x1",
  "y1",
  "x2",
  "y2",
  "cx",
  "cy",
  "r",
  "rx",
  "ry",
  "d",
  "points",
  "fill",
  "fill-opacity",
  "fill-rule",
  "stroke",
  "stroke-width",
  "stroke-opacity",
  "stroke-linecap",
  "stroke-linejoin",
  "stroke-miterlimit",
  "stroke-dasharray",
  "stroke-dashoffset",
  "opacity",
  "transform",
  "preserveaspectratio",
  "offset",
  "stop-color",
  "stop-opacity",
  "gradientunits",
  "gradienttransform",
  "spreadmethod",
  "fx",
  "fy",
  "clip-path",
  "clip-rule",
  "clippathunits",
  "mask",
  "maskunits",
  "maskcontentunits",
  "font-family",
  "font-size",
  "font-weight",
  "font-style",
  "text-anchor",
  "dominant-baseline",
  "letter-spacing",
  "xml:space",
  "href",
  "xlink:href",
  "role",
  "aria-label",
  "aria-hidden",
  "focusable",
  "display",
  "visibility",
  "color",
  "dx",
  "dy",
  "textlength",
  "lengthadjust",
  "shape-rendering",
  "type",
]);

/** Elements whose text content is shown or parsed; elsewhere only whitespace may stand between tags. */
const TEXT_ELEMENTS = new Set(["text", "tspan", "title", "desc", "style"]);

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Why a logo was refused, in words an admin can act on (English; the edge words it in Swedish). */
export class UnsafeSvgError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (_, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return String.fromCodePoint(code);
    }
    const named = NAMED_ENTITIES[ref.toLowerCase()];
    if (named === undefined) throw new UnsafeSvgError(`the entity &${ref}; is not allowed`);
    return named;
  });
}

/** A url(...) that points anywhere but inside the document itself (url(#id)). */
function refersOutside(value: string): boolean {
  const css = value.toLowerCase().replace(/\\/g, "").replace(/\s+/g, "");
  if (css.includes("@import") || css.includes("expression(") || css.includes("javascript:")) return true;
  for (const match of css.matchAll(/url\(([^)]*)\)/g)) {
    if (!/^["']?#/.test(match[1])) return true;
  }
  return false;
}

function checkAttribute(element: string, name: string, raw: string) {
  const lower = name.toLowerCase();
  if (lower.startsWith("on")) throw new UnsafeSvgError(`the event handler ${name} on <${element}> is not allowed`);
  if (!ATTRIBUTES.has(lower)) throw new UnsafeSvgError(`the attribute ${name} on <${element}> is not allowed`);
  const value = decodeEntities(raw);
  if ((lower === "href" || lower === "xlink:href") && !value.trim().startsWith("#")) {
    throw new UnsafeSvgError(`the external reference ${name}="${value}" on <${element}> is not allowed`);
  }
  if (refersOutside(value))
    throw new UnsafeSvgError(`the external reference in ${name} on <${element}> is not allowed`);
}

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Throws UnsafeSvgError naming the first thing that is not allowed; returns the text unchanged. */
export function checkSvgLogo(svg: string): string {
  let at = 0;
  const open: string[] = [];
  let sawRoot = false;
  const declaration = /^\uFEFF?\s*<\?xml\s[^?]*\?>/.exec(svg);
  if (declaration) at = declaration[0].length;
  while (at < svg.length) {
    const next = svg.indexOf("<", at);
    const text = svg.slice(at, next < 0 ? svg.length : next);
    if (text.trim()) {
      const inside = open[open.length - 1];
      if (!inside || !TEXT_ELEMENTS.has(inside)) throw new UnsafeSvgError("text outside a text element is not allowed");
      const decoded = decodeEntities(text);
      if (inside === "style" && refersOutside(decoded)) {
        throw new UnsafeSvgError("a style sheet that loads anything from outside is not allowed");
      }
    }
    if (next < 0) break;
    if (svg.startsWith("<!--", next)) {
      const end = svg.indexOf("-->", next + 4);
      if (end < 0) throw new UnsafeSvgError("an unclosed comment");
      at = end + 3;
      continue;
    }
    if (svg.startsWith("<!", next) || svg.startsWith("<?", next)) {
      throw new UnsafeSvgError("DOCTYPE, entity declarations, CDATA and processing instructions are not allowed");
    }
    TAG.lastIndex = next;
    const tag = TAG.exec(svg);
    if (!tag) throw new UnsafeSvgError(`a malformed tag at character ${next}`);
    const [whole, closing, rawName, attributes, selfClosing] = tag;
    const name = rawName.toLowerCase();
    if (closing) {
      if (open.pop() !== name) throw new UnsafeSvgError(`</${rawName}> does not close the open element`);
    } else {
      if (!ELEMENTS.has(name)) throw new UnsafeSvgError(`the element <${rawName}> is not allowed`);
      if (!open.length) {
        if (sawRoot || name !== "svg") throw new UnsafeSvgError("the document must be one <svg> element");
        sawRoot = true;
      }
      for (const attribute of attributes.matchAll(ATTRIBUTE)) {
        checkAttribute(rawName, attribute[1], attribute[2] ?? attribute[3] ?? "");
      }
      if (!selfClosing) open.push(name);
    }
    at = next + whole.length;
  }
  if (!sawRoot) throw new UnsafeSvgError("the document must be one <svg> element");
  if (open.length) throw new UnsafeSvgError(`<${open[open.length - 1]}> is not closed`);
  return svg;
}
