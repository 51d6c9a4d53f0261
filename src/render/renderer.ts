// eta templates, compiled once at start-up from their sources (read from disk on Node, bundled
// as text on Workers): no code generation happens while a request is handled.
import { Eta } from "eta/core";
import { escapeHtml } from "./html";
import { SWEDISH_TEXTS } from "./public-texts";
import { viewHelpers } from "./view-helpers";

const plainText = (text: string | null | undefined) => escapeHtml(text ?? "");

export interface Renderer {
  render(name: string, data: Record<string, unknown>): string;
}

export function createRenderer(sources: Record<string, string>): Renderer {
  const eta = new Eta({ autoEscape: true, autoTrim: false, useWith: false, varName: "it" });
  for (const [name, source] of Object.entries(sources)) eta.loadTemplate(`@${name}`, source);
  return {
    render(name, data) {
      // Swedish unless the page says otherwise (public pages in another language pass their own).
      return eta.render(`@${name}`, {
        h: viewHelpers,
        t: SWEDISH_TEXTS,
        lang: "sv",
        dir: "ltr",
        sv: "",
        svText: plainText,
        langAttrs: () => "",
        ...data,
      });
    },
  };
}
