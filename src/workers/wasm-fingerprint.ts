// Recognises one WebAssembly binary among the bytes a library hands to WebAssembly.instantiate,
// without keeping a second copy of it in the bundle: its length and an FNV-1a hash of its bytes.

/** harfbuzzjs 0.10.0's hb.wasm, which satori bundles as base64 (test/workers/harfbuzz.test.ts checks both). */
export const HARFBUZZ_WASM = { length: 381_964, hash: 0xcf11fe61 } as const;

export function fingerprintWasm(bytes: Uint8Array): { length: number; hash: number } {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return { length: bytes.length, hash: hash >>> 0 };
}

/** Bytes as a Uint8Array view, or null when the source is not bytes (a compiled Module, a Response). */
export function viewBytes(source: unknown): Uint8Array | null {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return null;
}

export function isWasm(bytes: Uint8Array, known: { length: number; hash: number }): boolean {
  if (bytes.length !== known.length) return false;
  return fingerprintWasm(bytes).hash === known.hash;
}
