// Workers has no file system: src/render/template-sources.ts imports every template by hand. A
// template missing there renders on Node and fails only on Workers, so this test compares the
// list with what is on disk. (Vitest cannot import .eta modules, so the file is read as text.)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { loadTemplateSources } from "../../src/render/load-templates-node";

const SOURCE = readFileSync(fileURLToPath(new URL("../../src/render/template-sources.ts", import.meta.url)), "utf8");

/** identifier -> template name (its path under templates/ without .eta), from the import lines. */
function importedTemplates(source: string): Map<string, string> {
  const imports = new Map<string, string>();
  for (const m of source.matchAll(/^import\s+(\w+)\s+from\s+"\.\.\/\.\.\/templates\/([^"]+)\.eta";/gm)) {
    imports.set(m[1], m[2]);
  }
  return imports;
}

/** template name -> identifier, from the entries of the exported object. */
function listedTemplates(source: string): Map<string, string> {
  const body = /export const templateSources[^=]*=\s*\{([\s\S]*?)\};/.exec(source)?.[1] ?? "";
  const listed = new Map<string, string>();
  for (const raw of body.split(",")) {
    const entry = raw.trim();
    if (!entry) continue;
    const pair = /^(?:"([^"]+)"|(\w+))\s*:\s*(\w+)$/.exec(entry);
    if (pair) listed.set(pair[1] ?? pair[2], pair[3]);
    else if (/^\w+$/.test(entry)) listed.set(entry, entry);
    else throw new Error(`Unreadable entry in templateSources: ${entry}`);
  }
  return listed;
}

describe("templates bundled for Workers", () => {
  const onDisk = Object.keys(loadTemplateSources()).sort();
  const imports = importedTemplates(SOURCE);
  const listed = listedTemplates(SOURCE);

  test("the parser reads the file (otherwise the comparisons below prove nothing)", () => {
    expect(onDisk.length).toBeGreaterThan(0);
    expect(imports.size).toBeGreaterThan(0);
    expect(listed.size).toBe(imports.size);
  });

  test("every .eta file under templates/ is listed under its own name", () => {
    const missing = onDisk.filter((name) => imports.get(listed.get(name) ?? "") !== name);
    expect(missing, "add these to src/render/template-sources.ts").toEqual([]);
  });

  test("nothing listed is missing on disk or filed under another name", () => {
    const wrong = [...listed].filter(([name, ident]) => imports.get(ident) !== name || !onDisk.includes(name));
    expect(wrong).toEqual([]);
  });
});
