// What a logo may be: an SVG that passes the allow-list (svg-logo.ts) or a well-formed PNG of a
// sensible size. Both are checked before anything is stored.
export { checkSvgLogo, UnsafeSvgError } from "./svg-logo";

export type LogoType = "image/svg+xml" | "image/png";
/** A logo is shown on every page and in every feed; 256 KiB is ample for either format. */
export const LOGO_MAX_BYTES = 256 * 1024;
const PNG_MAX_SIDE = 4096;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class InvalidPngError extends Error {}

/** The PNG's width and height from its IHDR chunk; throws InvalidPngError for anything else. */
export function checkPngLogo(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.byteLength < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new InvalidPngError("the file is not a PNG image");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ihdr = String.fromCharCode(...bytes.subarray(12, 16));
  if (ihdr !== "IHDR") throw new InvalidPngError("the PNG has no IHDR chunk first");
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (!width || !height || width > PNG_MAX_SIDE || height > PNG_MAX_SIDE) {
    throw new InvalidPngError(`the PNG is ${width}×${height}; each side must be 1 to ${PNG_MAX_SIDE} pixels`);
  }
  return { width, height };
}
