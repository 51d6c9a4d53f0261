// eta templates, compiled once at start-up from their sources (read from disk on Node, bundled
// as text on Workers): no code generation happens while a request is handled.
import { Eta } from "eta/core";
import { viewHelpers } from "./view-helpers";

export interface Renderer {
  render(name: string, data: Record<string, unknown>): string;
}

export function createRenderer(sources: Record<string, string>): Renderer {
  const eta = new Eta({ autoEscape: true, autoTrim: false, useWith: false, varName: "it" });
  for (const [name, source] of Object.entries(sources)) eta.loadTemplate(`@${name}`, source);
  return {
    render(name, data) {
      return eta.render(`@${name}`, { ...data, h: viewHelpers });
    },
  };
}
