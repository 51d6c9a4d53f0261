// Image work on WebAssembly, the same on Node and Workers: jSquash codecs to clean uploads and
// satori + resvg to draw crisis cards. Each runtime only says where the .wasm and font bytes come
// from (render/imaging-node.ts reads node_modules; workers/imaging.ts imports them as modules,
// because workerd refuses to compile WebAssembly from bytes at request time).
import decodeJpeg, { init as initJpegDecode } from "@jsquash/jpeg/decode.js";
import encodeJpeg, { init as initJpegEncode } from "@jsquash/jpeg/encode.js";
import decodePng, { init as initPngDecode } from "@jsquash/png/decode.js";
import encodePng, { init as initPngEncode } from "@jsquash/png/encode.js";
import resizeImage, { initResize } from "@jsquash/resize";
import decodeWebp, { init as initWebpDecode } from "@jsquash/webp/decode.js";
import { initWasm as initResvg, Resvg } from "@resvg/resvg-wasm";
import type { SatoriNode } from "satori/standalone";

export const WASM_NAMES = ["jpegDecode", "jpegEncode", "png", "webpDecode", "resize", "layout", "resvg"] as const;
export type WasmName = (typeof WASM_NAMES)[number];

export type SatoriModule = typeof import("satori/standalone");

export interface ImagingSources {
  wasm(name: WasmName): Promise<WebAssembly.Module>;
  /**
   * satori itself. Node imports it with the first card (a quarter of a second at start-up on a busy
   * machine, for a process that may serve pages long before it draws a card); Workers must have
   * it evaluated at start-up (workers/harfbuzz.ts), so they hand over the module they imported.
   */
  satori(): Promise<SatoriModule>;
  /** Noto Sans regular and bold as .woff (satori reads ttf, otf and woff, not woff2). */
  fonts(): Promise<{ regular: ArrayBuffer; bold: ArrayBuffer }>;
}

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];
/** What is stored: a photo stays a JPEG (WebP too, since Instagram takes only JPEG); a PNG stays lossless. */
export type StoredImageType = "image/jpeg" | "image/png";

export interface CleanImage {
  bytes: Uint8Array<ArrayBuffer>;
  type: StoredImageType;
  width: number;
  height: number;
}

export interface Imaging {
  /** Decodes and re-encodes, which leaves every metadata block (EXIF, GPS, XMP) behind; scales down past maxSide. */
  cleanImage(bytes: Uint8Array, type: ImageType, maxSide: number): Promise<CleanImage>;
  /** Draws a satori object tree to a PNG of the given size. */
  renderPng(tree: SatoriNode, width: number, height: number): Promise<Uint8Array<ArrayBuffer>>;
}

export class UndecodableImageError extends Error {}

const JPEG_QUALITY = 85;

export function createImaging(sources: ImagingSources): Imaging {
  const once = new Map<string, Promise<unknown>>();
  const ready = (key: string, start: () => Promise<unknown>) => {
    let p = once.get(key);
    if (!p) {
      p = start();
      // A failed start (a missing file) is tried again next time rather than remembered.
      p.catch(() => once.delete(key));
      once.set(key, p);
    }
    return p;
  };
  const codec = (name: WasmName, init: (m: WebAssembly.Module) => unknown) =>
    ready(name, async () => init(await sources.wasm(name)));

  async function decode(bytes: Uint8Array, type: ImageType): Promise<ImageData> {
    const buffer = bytes.slice().buffer;
    try {
      if (type === "image/jpeg") {
        await codec("jpegDecode", (m) => initJpegDecode(m));
        return await decodeJpeg(buffer);
      }
      if (type === "image/png") {
        await codec("png", (m) => initPngDecode(m));
        return await decodePng(buffer);
      }
      await codec("webpDecode", (m) => initWebpDecode(m));
      return await decodeWebp(buffer);
    } catch (error) {
      throw new UndecodableImageError(`not a readable ${type}: ${String(error)}`);
    }
  }

  async function scaleDown(image: ImageData, maxSide: number): Promise<ImageData> {
    const longest = Math.max(image.width, image.height);
    if (longest <= maxSide) return image;
    await codec("resize", (m) => initResize(m));
    const factor = maxSide / longest;
    return resizeImage(image, {
      width: Math.max(1, Math.round(image.width * factor)),
      height: Math.max(1, Math.round(image.height * factor)),
    });
  }

  const fonts = () => ready("fonts", () => sources.fonts()) as ReturnType<ImagingSources["fonts"]>;

  return {
    async cleanImage(bytes, type, maxSide) {
      const image = await scaleDown(await decode(bytes, type), maxSide);
      if (type === "image/png") {
        await codec("png", (m) => initPngEncode(m));
        const out = new Uint8Array(await encodePng(image));
        return { bytes: out, type: "image/png", width: image.width, height: image.height };
      }
      await codec("jpegEncode", (m) => initJpegEncode(m));
      const out = new Uint8Array(await encodeJpeg(image, { quality: JPEG_QUALITY }));
      return { bytes: out, type: "image/jpeg", width: image.width, height: image.height };
    },

    async renderPng(tree, width, height) {
      const { default: satori, init: initSatori } = await sources.satori();
      await Promise.all([
        codec("layout", (m) => initSatori(m)),
        codec("resvg", (m) =>
          // The logo rasteriser (rasterise-logo.ts) may have initialised the same module first.
          initResvg(m).catch((error: unknown) => {
            if (!String(error).includes("Already initialized")) throw error;
          }),
        ),
      ]);
      const { regular, bold } = await fonts();
      const svg = await satori(tree, {
        width,
        height,
        fonts: [
          { name: "Noto Sans", data: regular, weight: 400, style: "normal" },
          { name: "Noto Sans", data: bold, weight: 700, style: "normal" },
        ],
      });
      const resvg = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: false } });
      try {
        return resvg.render().asPng() as Uint8Array<ArrayBuffer>;
      } finally {
        resvg.free();
      }
    },
  };
}
