// npm prestart: makes `npm start` fast without a separate build step. Two things are prepared
// once and kept in the git-ignored dist/, each skipped while it is up to date:
//   1. dist/src/node.mjs, src/node.ts bundled by esbuild (dependencies stay in node_modules), so a
//      start does not transpile TypeScript. It sits two folders deep, like src/db/open-node.ts and
//      src/render/load-templates-node.ts, so their paths to drizzle/ and templates/ still resolve.
//   2. dist/pglite-template/, an empty PGlite data directory with every migration applied. PGlite's
//      initdb is most of a first start; a new data directory is copied from this one instead
//      (src/db/open-node.ts), and the migrator then applies anything newer as usual.
// Plain JavaScript, so that checking "up to date" costs milliseconds, not a TypeScript loader.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dist = join(root, "dist");
const started = performance.now();

/** A fingerprint of the files under `dirs` (paths, sizes, mtimes) plus the given extras. */
function fingerprint(dirs, extras = []) {
  const hash = createHash("sha256");
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  for (const dir of dirs) walk(dir);
  for (const extra of extras) hash.update(`${extra}\n`);
  return hash.digest("hex");
}

const readStamp = (path) => (existsSync(path) ? readFileSync(path, "utf8") : "");
const lockfile = join(root, "package-lock.json");
const lock = existsSync(lockfile) ? statSync(lockfile).mtimeMs : 0;
mkdirSync(dist, { recursive: true });

const bundleStamp = join(dist, "node.stamp");
const bundleFingerprint = fingerprint([join(root, "src")], [lock]);
if (readStamp(bundleStamp) !== bundleFingerprint || !existsSync(join(dist, "src", "node.mjs"))) {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [join(root, "src", "node.ts")],
    outfile: join(dist, "src", "node.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
  });
  writeFileSync(bundleStamp, bundleFingerprint);
  console.log(`prestart: bundled src/node.ts into dist/src/node.mjs`);
}

const pgliteVersion = JSON.parse(
  readFileSync(join(root, "node_modules", "@electric-sql", "pglite", "package.json"), "utf8"),
).version;
const template = join(dist, "pglite-template");
const templateStamp = join(dist, "pglite-template.stamp");
const templateFingerprint = fingerprint([join(root, "drizzle")], [pgliteVersion]);
if (readStamp(templateStamp) !== templateFingerprint || !existsSync(template)) {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const building = `${template}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const client = new PGlite(building);
  await migrate(drizzle(client), { migrationsFolder: join(root, "drizzle") });
  await client.close();
  rmSync(templateStamp, { force: true });
  rmSync(template, { recursive: true, force: true });
  renameSync(building, template);
  writeFileSync(templateStamp, templateFingerprint);
  console.log(`prestart: prepared an empty, migrated PGlite data directory in dist/pglite-template`);
}
if (process.env.KRISKANAL_LOG === "debug") console.log(`prestart: ${(performance.now() - started).toFixed(0)} ms`);
