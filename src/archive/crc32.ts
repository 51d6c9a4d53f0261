// The zip's CRC-32, behind a seam like the bag's SHA-256 (hasher.ts): Node passes zlib's native
// one (crc32-node.ts), several times faster than this table-driven one in JavaScript, which stays
// the default for Workers, where node:zlib has no crc32.

/** CRC-32 (ISO-HDLC, as zip and zlib.crc32 use it) of `bytes`, continuing from `value`. */
export type Crc32 = (bytes: Uint8Array, value?: number) => number;

const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

export const javascriptCrc32: Crc32 = (bytes, value = 0) => {
  let crc = ~value;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xff];
  return ~crc >>> 0;
};
