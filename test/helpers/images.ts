// Real image files for tests, made with the same codecs the hub uses, and a JPEG segment reader.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import encodeJpeg, { init as initJpegEncode } from "@jsquash/jpeg/encode.js";
import encodePng, { init as initPngEncode } from "@jsquash/png/encode.js";

const require = createRequire(import.meta.url);
let ready: Promise<unknown> | undefined;

async function initCodecs() {
  const compile = async (file: string) => WebAssembly.compile(await readFile(require.resolve(file)));
  await initJpegEncode(await compile("@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm"));
  await initPngEncode(await compile("@jsquash/png/codec/pkg/squoosh_png_bg.wasm"));
}

function pixels(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i * 7) % 256, (i * 3) % 256, 120, 255], i * 4);
  return { data, width, height, colorSpace: "srgb" } as ImageData;
}

export async function makeJpeg(width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  ready ??= initCodecs();
  await ready;
  return new Uint8Array(await encodeJpeg(pixels(width, height), { quality: 80 }));
}

export async function makePng(width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  ready ??= initCodecs();
  await ready;
  return new Uint8Array(await encodePng(pixels(width, height)));
}

/** A phone camera's EXIF block (APP1 "Exif") with a GPS IFD, carrying `marker` as its payload. */
export function withExifGps(jpeg: Uint8Array, marker: string): Uint8Array<ArrayBuffer> {
  const text = new TextEncoder().encode(`Exif\0\0MM\0*\0\0\0\bGPSInfo ${marker} 59.3293N 18.0686E`);
  const segment = new Uint8Array(4 + text.length);
  segment.set([0xff, 0xe1, (text.length + 2) >> 8, (text.length + 2) & 0xff]);
  segment.set(text, 4);
  // Right after SOI, where cameras write it.
  return new Uint8Array([...jpeg.subarray(0, 2), ...segment, ...jpeg.subarray(2)]);
}

/** The marker bytes (0xE0..0xEF are APPn) of every segment before the image data. */
export function jpegSegments(jpeg: Uint8Array): number[] {
  const markers: number[] = [];
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff) {
    const marker = jpeg[at + 1];
    markers.push(marker);
    if (marker === 0xda) break; // start of scan: the rest is image data
    at += 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3]);
  }
  return markers;
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => png[i] === b)) throw new Error("not a PNG");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export function containsText(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes).includes(Buffer.from(text, "latin1"));
}
