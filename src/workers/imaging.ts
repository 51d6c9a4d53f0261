// Workers only: the image WebAssembly and the card font bundled as modules. wrangler turns each
// .wasm into a compiled WebAssembly.Module (CompiledWasm, its default rule) and each .woff into
// bytes (the Data rule in wrangler.toml): workerd refuses to compile WebAssembly at request time.
// satori's bundled HarfBuzz is not among these: harfbuzz.ts swaps it in before satori loads.

import regular from "@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff";
import bold from "@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff";
import jpegDecode from "@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm?module";
import jpegEncode from "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm?module";
import png from "@jsquash/png/codec/pkg/squoosh_png_bg.wasm?module";
import resize from "@jsquash/resize/lib/resize/pkg/squoosh_resize_bg.wasm?module";
import webpDecode from "@jsquash/webp/codec/dec/webp_dec.wasm?module";
import resvg from "@resvg/resvg-wasm/index_bg.wasm?module";
import layout from "satori/layout.wasm?module";
import * as satoriModule from "satori/standalone";
import { createImaging, type Imaging, type WasmName } from "../render/imaging";

const MODULES: Record<WasmName, WebAssembly.Module> = {
  jpegDecode,
  jpegEncode,
  png,
  webpDecode,
  resize,
  layout,
  resvg,
};

export function createWorkersImaging(): Imaging {
  return createImaging({
    wasm: async (name) => MODULES[name],
    satori: async () => satoriModule,
    fonts: async () => ({ regular, bold }),
  });
}
