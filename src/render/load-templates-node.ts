// Node-only: reads every .eta file under templates/ once, keyed by its path without extension.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const TEMPLATES_DIR = fileURLToPath(new URL("../../templates", import.meta.url));

export function loadTemplateSources(dir = TEMPLATES_DIR): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".eta"))
        out[
          relative(dir, path)
            .replace(/\\/g, "/")
            .replace(/\.eta$/, "")
        ] = readFileSync(path, "utf8");
    }
  };
  walk(dir);
  return out;
}
