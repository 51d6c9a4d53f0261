// Workers only, and the first import of the entry (worker.ts), so it runs before satori loads.
// satori bundles HarfBuzz (harfbuzzjs, emscripten) as base64 bytes and starts it the moment its
// module loads. In workerd that start never finishes: the emscripten loader reads self.location
// (workerd has WorkerGlobalScope but no location), workerd refuses to compile WebAssembly from bytes
// inside a request, and a compile begun at start-up resolves in the first request's context, where
// satori's awaiting of it never wakes (the card request hung). So the same hb.wasm, compiled by
// wrangler at deploy, is instantiated synchronously when those exact bytes are asked for, and the
// start-up completes before the first request.
import harfbuzz from "harfbuzzjs/hb.wasm?module";
import { HARFBUZZ_WASM, isWasm, viewBytes } from "./wasm-fingerprint";

const scope = globalThis as { location?: unknown };
const locationStandIn = scope.location === undefined;
// Read once, synchronously, while satori's module is evaluated; nothing else should see it.
if (locationStandIn) scope.location = { href: "https://workerd.invalid/" };

/** Called once the modules are evaluated: the stand-in for self.location has served its purpose. */
export function dropLocationStandIn(): void {
  if (locationStandIn) delete scope.location;
}

const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (
  source: unknown,
  imports?: WebAssembly.Imports,
) => Promise<unknown>;

WebAssembly.instantiate = ((source: unknown, imports?: WebAssembly.Imports) => {
  const bytes = viewBytes(source);
  if (!bytes || !isWasm(bytes, HARFBUZZ_WASM)) return instantiate(source, imports);
  try {
    return Promise.resolve({ module: harfbuzz, instance: new WebAssembly.Instance(harfbuzz, imports) });
  } catch (error) {
    return Promise.reject(error);
  }
}) as typeof WebAssembly.instantiate;
