// Node-only: resvg's WebAssembly read from node_modules (Workers imports it as a module instead).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export function readResvgWasm(): Uint8Array {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve("@resvg/resvg-wasm/index_bg.wasm"));
}
