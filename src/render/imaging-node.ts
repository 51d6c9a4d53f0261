// Node-only: where the image WebAssembly and the card font live, read from node_modules once.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createImaging, type Imaging, type WasmName } from "./imaging";

const require = createRequire(import.meta.url);

const WASM_FILES: Record<WasmName, [string, string]> = {
  jpegDecode: ["@jsquash/jpeg", "codec/dec/mozjpeg_dec.wasm"],
  jpegEncode: ["@jsquash/jpeg", "codec/enc/mozjpeg_enc.wasm"],
  png: ["@jsquash/png", "codec/pkg/squoosh_png_bg.wasm"],
  webpDecode: ["@jsquash/webp", "codec/dec/webp_dec.wasm"],
  resize: ["@jsquash/resize", "lib/resize/pkg/squoosh_resize_bg.wasm"],
  layout: ["satori", "layout.wasm"],
  resvg: ["@resvg/resvg-wasm", "index_bg.wasm"],
};

const FONT_DIR = "@fontsource/noto-sans";

async function readBytes(pkg: string, file: string): Promise<ArrayBuffer> {
  const bytes = await readFile(require.resolve(`${pkg}/${file}`));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function createNodeImaging(): Imaging {
  return createImaging({
    wasm: async (name) => WebAssembly.compile(await readBytes(...WASM_FILES[name])),
    satori: () => import("satori/standalone"),
    fonts: async () => ({
      regular: await readBytes(FONT_DIR, "files/noto-sans-latin-400-normal.woff"),
      bold: await readBytes(FONT_DIR, "files/noto-sans-latin-700-normal.woff"),
    }),
  });
}
