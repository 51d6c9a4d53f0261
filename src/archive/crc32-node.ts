// Node's CRC-32 for the zip (see crc32.ts): zlib's, in C. zlib.crc32 arrived in Node 20.15 and
// 22.2; on an older Node the JavaScript one is used.
import * as zlib from "node:zlib";
import { type Crc32, javascriptCrc32 } from "./crc32";

export function createNodeCrc32(): Crc32 {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  return native ? (bytes, value = 0) => native(bytes, value) : javascriptCrc32;
}
