// Reading the archive export in tests, without a zip library.
import { inflateRawSync } from "node:zlib";

/** Files of a zip (stored or deflated), read in memory. */
export function unzip(bytes: Buffer): Record<string, string> {
  const files: Record<string, string> = {};
  let at = 0;
  while (bytes.readUInt32LE(at) === 0x04034b50) {
    const method = bytes.readUInt16LE(at + 8);
    let size = bytes.readUInt32LE(at + 18);
    const nameLength = bytes.readUInt16LE(at + 26);
    const extraLength = bytes.readUInt16LE(at + 28);
    const name = bytes.subarray(at + 30, at + 30 + nameLength).toString();
    const start = at + 30 + nameLength + extraLength;
    const flags = bytes.readUInt16LE(at + 6);
    if (flags & 0x08) {
      // Sizes follow the data (streamed zip): find the data descriptor.
      const descriptor = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), start);
      size = descriptor - start;
      const data = bytes.subarray(start, start + size);
      files[name] = (method === 8 ? inflateRawSync(data) : data).toString();
      at = descriptor + (bytes.readUInt32LE(descriptor + 8) === size ? 16 : 24);
      continue;
    }
    const data = bytes.subarray(start, start + size);
    files[name] = (method === 8 ? inflateRawSync(data) : data).toString();
    at = start + size;
  }
  return files;
}
