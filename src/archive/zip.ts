// A zip archive written as it streams (PKWARE APPNOTE 6.3): files stored as they are (no
// compression: the bag's payload is mostly small text that is read more often than moved),
// each followed by a data descriptor with its CRC-32 and size, since neither is known before the
// file has passed; the central directory at the end; ZIP64 records where a size, an offset or the
// number of entries outgrows the classic fields. Names are UTF-8 (flag bit 11).

import type { Crc32 } from "./crc32";

export interface ZipFile {
  name: string;
  input: AsyncIterable<Uint8Array>;
  lastModified: Date;
}

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END = 0x06054b50;
/** 4.5: ZIP64. Made by: Unix (3), so the file mode below is read. */
const VERSION = 45;
const MADE_BY = (3 << 8) | VERSION;
/** Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8. */
const FLAGS = 0x0808;
/** A regular file, rw-rw-r--. */
const EXTERNAL_ATTRIBUTES = (0o100664 << 16) >>> 0;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

const encoder = new TextEncoder();

interface Entry {
  name: Uint8Array;
  time: number;
  date: number;
  crc: number;
  size: number;
  offset: number;
}

/** The archive's bytes in order: headers, data as it comes, descriptors, then the directory. */
export async function* zipPieces(files: AsyncIterable<ZipFile>, crc32: Crc32): AsyncGenerator<Uint8Array> {
  const entries: Entry[] = [];
  let offset = 0;
  for await (const file of files) {
    const name = encoder.encode(file.name);
    const [time, date] = dosDateTime(file.lastModified);
    const entry: Entry = { name, time, date, crc: 0, size: 0, offset };
    const header = new DataView(new ArrayBuffer(30 + name.length));
    header.setUint32(0, LOCAL_HEADER, true);
    header.setUint16(4, VERSION, true);
    header.setUint16(6, FLAGS, true);
    header.setUint16(8, 0, true); // stored
    header.setUint16(10, time, true);
    header.setUint16(12, date, true);
    // CRC and sizes (14-25) are zero here: the data descriptor has them.
    header.setUint16(26, name.length, true);
    const headerBytes = new Uint8Array(header.buffer);
    headerBytes.set(name, 30);
    yield headerBytes;
    offset += headerBytes.length;
    for await (const chunk of file.input) {
      if (!chunk.length) continue;
      entry.crc = crc32(chunk, entry.crc);
      entry.size += chunk.length;
      yield chunk;
    }
    offset += entry.size;
    const large = entry.size >= MAX32;
    const descriptor = new DataView(new ArrayBuffer(large ? 24 : 16));
    descriptor.setUint32(0, DATA_DESCRIPTOR, true);
    descriptor.setUint32(4, entry.crc, true);
    if (large) {
      descriptor.setBigUint64(8, BigInt(entry.size), true);
      descriptor.setBigUint64(16, BigInt(entry.size), true);
    } else {
      descriptor.setUint32(8, entry.size, true);
      descriptor.setUint32(12, entry.size, true);
    }
    yield new Uint8Array(descriptor.buffer);
    offset += descriptor.byteLength;
    entries.push(entry);
  }
  const directoryOffset = offset;
  let directorySize = 0;
  for (const entry of entries) {
    const piece = centralHeader(entry);
    directorySize += piece.length;
    yield piece;
  }
  yield endRecords(entries.length, directoryOffset, directorySize);
}

function centralHeader(entry: Entry): Uint8Array {
  // ZIP64 extra field: only the values whose classic field says 0xFFFFFFFF, in this order.
  const wide: bigint[] = [];
  if (entry.size >= MAX32) wide.push(BigInt(entry.size), BigInt(entry.size));
  if (entry.offset >= MAX32) wide.push(BigInt(entry.offset));
  const extraLength = wide.length ? 4 + 8 * wide.length : 0;
  const view = new DataView(new ArrayBuffer(46 + entry.name.length + extraLength));
  view.setUint32(0, CENTRAL_HEADER, true);
  view.setUint16(4, MADE_BY, true);
  view.setUint16(6, VERSION, true);
  view.setUint16(8, FLAGS, true);
  view.setUint16(10, 0, true);
  view.setUint16(12, entry.time, true);
  view.setUint16(14, entry.date, true);
  view.setUint32(16, entry.crc, true);
  view.setUint32(20, Math.min(entry.size, MAX32), true);
  view.setUint32(24, Math.min(entry.size, MAX32), true);
  view.setUint16(28, entry.name.length, true);
  view.setUint16(30, extraLength, true);
  // Comment length, disk number and internal attributes (32-37) stay zero.
  view.setUint32(38, EXTERNAL_ATTRIBUTES, true);
  view.setUint32(42, Math.min(entry.offset, MAX32), true);
  const bytes = new Uint8Array(view.buffer);
  bytes.set(entry.name, 46);
  if (extraLength) {
    const at = 46 + entry.name.length;
    view.setUint16(at, 0x0001, true);
    view.setUint16(at + 2, extraLength - 4, true);
    for (const [i, value] of wide.entries()) view.setBigUint64(at + 4 + 8 * i, value, true);
  }
  return bytes;
}

function endRecords(count: number, directoryOffset: number, directorySize: number): Uint8Array {
  const zip64 = count >= MAX16 || directoryOffset >= MAX32 || directorySize >= MAX32;
  const view = new DataView(new ArrayBuffer((zip64 ? 56 + 20 : 0) + 22));
  let at = 0;
  if (zip64) {
    const recordOffset = directoryOffset + directorySize;
    view.setUint32(0, ZIP64_END, true);
    view.setBigUint64(4, 44n, true); // the size of the rest of this record
    view.setUint16(12, MADE_BY, true);
    view.setUint16(14, VERSION, true);
    // This disk and the directory's disk (16-23) are zero.
    view.setBigUint64(24, BigInt(count), true);
    view.setBigUint64(32, BigInt(count), true);
    view.setBigUint64(40, BigInt(directorySize), true);
    view.setBigUint64(48, BigInt(directoryOffset), true);
    view.setUint32(56, ZIP64_LOCATOR, true);
    view.setBigUint64(64, BigInt(recordOffset), true); // (60-63: the record's disk, zero)
    view.setUint32(72, 1, true); // disks in all
    at = 76;
  }
  view.setUint32(at, END, true);
  view.setUint16(at + 8, Math.min(count, MAX16), true);
  view.setUint16(at + 10, Math.min(count, MAX16), true);
  view.setUint32(at + 12, Math.min(directorySize, MAX32), true);
  view.setUint32(at + 16, Math.min(directoryOffset, MAX32), true);
  return new Uint8Array(view.buffer);
}

/** MS-DOS time and date of the moment on the runtime's clock face, as zip tools show it. */
function dosDateTime(at: Date): [time: number, date: number] {
  const time = (at.getHours() << 11) | (at.getMinutes() << 5) | (at.getSeconds() >> 1);
  const date = ((Math.max(1980, at.getFullYear()) - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate();
  return [time, date];
}
