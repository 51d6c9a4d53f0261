// PNG renderings of the logo (favicon, apple-touch icon; the crisis card may use it too) with
// resvg compiled to WebAssembly, so Node and Workers draw the same pixels. Each runtime hands
// over the .wasm its own way (provideResvgWasm): from disk on Node, as a module on Workers.
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { toBase64 } from "../domain/accounts/secrets";

type WasmSource = Parameters<typeof initWasm>[0];

let load: (() => WasmSource) | null = null;
let ready: Promise<void> | null = null;

export function provideResvgWasm(source: () => WasmSource): void {
  load = source;
}

function ensureResvg(): Promise<void> {
  if (!ready) {
    if (!load) return Promise.reject(new Error("resvg's WebAssembly was not provided (provideResvgWasm)."));
    ready = initWasm(load()).catch((error: unknown) => {
      // Another part of the app (the card renderer) may have initialised the same module first.
      if (String(error).includes("Already initialized")) return;
      ready = null;
      throw error;
    });
  }
  return ready;
}

/** The SVG drawn `size` pixels wide (height follows its aspect ratio), as PNG bytes. */
export async function rasteriseLogo(svg: string, size: number): Promise<Uint8Array> {
  await ensureResvg();
  const resvg = new Resvg(svg, { fitTo: { mode: "width", value: size }, font: { loadSystemFonts: false } });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}

/**
 * A square icon `size` pixels across with the logo centred inside, on the primary colour when
 * the logo is wider or taller than square, so the icon never stretches the logo.
 */
export function squareIconSvg(logo: { type: string; bytes: Uint8Array }, size: number, background: string): string {
  const href = `data:${logo.type};base64,${toBase64(logo.bytes)}`;
  const pad = Math.round(size * 0.08);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`,
    `<rect width="${size}" height="${size}" fill="${background}"/>`,
    `<image href="${href}" x="${pad}" y="${pad}" width="${size - 2 * pad}" height="${size - 2 * pad}" preserveAspectRatio="xMidYMid meet"/>`,
    "</svg>",
  ].join("");
}

/** The icon shown when no logo has been uploaded: an "i" for information on the primary colour. */
export function defaultIconSvg(primary: string, text: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">`,
    `<rect width="64" height="64" rx="12" fill="${primary}"/>`,
    `<circle cx="32" cy="17" r="6" fill="${text}"/>`,
    `<rect x="26" y="27" width="12" height="27" rx="3" fill="${text}"/>`,
    "</svg>",
  ].join("");
}

/** A .ico file holding one PNG image (allowed since Windows Vista; every current browser reads it). */
export function pngToIco(png: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(22 + png.byteLength);
  const view = new DataView(out.buffer);
  view.setUint16(2, 1, true); // type: icon
  view.setUint16(4, 1, true); // one image
  out[6] = size >= 256 ? 0 : size;
  out[7] = size >= 256 ? 0 : size;
  view.setUint16(10, 1, true); // colour planes
  view.setUint16(12, 32, true); // bits per pixel
  view.setUint32(14, png.byteLength, true);
  view.setUint32(18, 22, true); // where the image starts
  out.set(png, 22);
  return out;
}
