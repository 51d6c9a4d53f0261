// An independent BagIt (RFC 8493) validator for serialized bags in zip files, written from the
// RFC and the ZIP application note (APPNOTE.TXT) alone. It shares no code with the exporter:
// the zip is read here (central directory, ZIP64, stored and deflated entries, CRC-32), and
// every checksum is recomputed with node:crypto.
import { createHash } from "node:crypto";
import { crc32, inflateRawSync } from "node:zlib";

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Every file of a zip archive, CRC-checked. Directory entries are skipped. */
export function readZip(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("zip: no end of central directory record");
  let count = zip.readUInt16LE(eocd + 10);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && zip.readUInt32LE(locator) === 0x07064b50) {
    const record = Number(zip.readBigUInt64LE(locator + 8));
    if (zip.readUInt32LE(record) !== 0x06064b50) throw new Error("zip: bad ZIP64 end of central directory");
    count = Number(zip.readBigUInt64LE(record + 32));
    cdOffset = Number(zip.readBigUInt64LE(record + 48));
  }
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip: bad central directory entry ${i}`);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    let compressed = zip.readUInt32LE(p + 20);
    let size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    let local = zip.readUInt32LE(p + 42);
    const nameBytes = zip.subarray(p + 46, p + 46 + nameLength);
    const name = flags & 0x800 ? nameBytes.toString("utf8") : nameBytes.toString("latin1");
    // ZIP64 extended information: only the fields whose 32-bit value is 0xFFFFFFFF, in order.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = zip.readUInt16LE(e);
      const length = zip.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        if (size === 0xffffffff) {
          size = Number(zip.readBigUInt64LE(f));
          f += 8;
        }
        if (compressed === 0xffffffff) {
          compressed = Number(zip.readBigUInt64LE(f));
          f += 8;
        }
        if (local === 0xffffffff) local = Number(zip.readBigUInt64LE(f));
      }
      e += 4 + length;
    }
    p = extraEnd + commentLength;
    if (name.endsWith("/")) continue;
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip: bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : null;
    if (!data) throw new Error(`zip: ${name} uses unsupported method ${method}`);
    if (data.length !== size) throw new Error(`zip: ${name} is ${data.length} bytes, header says ${size}`);
    if (crc32(data) !== crc) throw new Error(`zip: CRC-32 mismatch in ${name}`);
    entries.push({ name, data });
  }
  return entries;
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** RFC 8493 2.1.3: manifest paths percent-encode CR, LF and %. */
function decodeManifestPath(path: string): string {
  return path.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%25/g, "%");
}

function parseManifest(text: string, where: string, problems: string[]): Map<string, string> {
  const listed = new Map<string, string>();
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (!line) continue;
    const match = /^([0-9a-fA-F]{64})[ \t]+(.+)$/.exec(line);
    if (!match) {
      problems.push(`${where}: malformed line ${JSON.stringify(line)}`);
      continue;
    }
    const path = decodeManifestPath(match[2]);
    if (listed.has(path)) problems.push(`${where}: ${path} listed twice`);
    listed.set(path, match[1].toLowerCase());
  }
  return listed;
}

/** bag-info.txt as label -> values; continuation lines (leading whitespace) fold into the value. */
export function parseBagInfo(text: string): Map<string, string[]> {
  const info = new Map<string, string[]>();
  let last: { label: string; index: number } | null = null;
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (!line) continue;
    if (/^[ \t]/.test(line) && last) {
      const values = info.get(last.label) as string[];
      values[last.index] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 1) continue;
    const label = line.slice(0, colon).trim();
    const values = info.get(label) ?? [];
    values.push(line.slice(colon + 1).trim());
    info.set(label, values);
    last = { label, index: values.length - 1 };
  }
  return info;
}

export interface BagCheck {
  problems: string[];
  /** The bag's base directory (the zip's only top-level directory). */
  base: string;
  /** Files by their path inside the bag (e.g. "data/METS.xml"). */
  files: Map<string, Buffer>;
}

/** Validates a serialized bag: structure, bagit.txt, both manifests, completeness, Payload-Oxum. */
export function checkBag(zip: Buffer): BagCheck {
  return checkBagEntries(readZip(zip));
}

/** The same checks on entries already read (tests tamper with them to see the checks bite). */
export function checkBagEntries(entries: ZipEntry[]): BagCheck {
  const problems: string[] = [];
  const tops = new Set(entries.map((e) => e.name.split("/")[0]));
  if (tops.size !== 1) problems.push(`serialization: expected one top-level directory, found ${[...tops].join(", ")}`);
  const base = [...tops][0] ?? "";
  const files = new Map<string, Buffer>();
  for (const entry of entries) {
    if (!entry.name.startsWith(`${base}/`)) continue;
    const path = entry.name.slice(base.length + 1);
    if (files.has(path)) problems.push(`serialization: ${path} appears twice`);
    files.set(path, entry.data);
  }

  const declaration = files.get("bagit.txt");
  if (!declaration) problems.push("bagit.txt is missing");
  else {
    const lines = declaration
      .toString("utf8")
      .split(/\r\n|\n|\r/)
      .filter(Boolean);
    if (!/^BagIt-Version: \d+\.\d+$/.test(lines[0] ?? "")) problems.push("bagit.txt: first line is not BagIt-Version");
    if (lines[1] !== "Tag-File-Character-Encoding: UTF-8") problems.push("bagit.txt: encoding line is not UTF-8");
    if (lines.length !== 2) problems.push("bagit.txt: must have exactly two lines");
  }

  const payload = [...files.keys()].filter((p) => p.startsWith("data/"));
  if (!payload.length) problems.push("data/: no payload files");
  const manifests = [...files.keys()].filter((p) => /^manifest-[a-z0-9]+\.txt$/.test(p));
  if (!manifests.includes("manifest-sha256.txt")) problems.push("manifest-sha256.txt is missing");
  for (const name of manifests) {
    if (name !== "manifest-sha256.txt") {
      problems.push(`${name}: this checker only verifies sha256`);
      continue;
    }
    const listed = parseManifest((files.get(name) as Buffer).toString("utf8"), name, problems);
    for (const [path, digest] of listed) {
      if (!path.startsWith("data/")) problems.push(`${name}: ${path} is outside data/`);
      const data = files.get(path);
      if (!data) problems.push(`${name}: ${path} is listed but missing`);
      else if (sha256(data) !== digest) problems.push(`${name}: checksum mismatch for ${path}`);
    }
    for (const path of payload) if (!listed.has(path)) problems.push(`${name}: payload file ${path} is not listed`);
  }

  const infoFile = files.get("bag-info.txt");
  if (infoFile) {
    const info = parseBagInfo(infoFile.toString("utf8"));
    const oxum = info.get("Payload-Oxum")?.[0];
    const octets = payload.reduce((sum, p) => sum + (files.get(p) as Buffer).length, 0);
    if (oxum !== undefined && oxum !== `${octets}.${payload.length}`) {
      problems.push(`bag-info.txt: Payload-Oxum ${oxum}, payload is ${octets}.${payload.length}`);
    }
    const date = info.get("Bagging-Date")?.[0];
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))
      problems.push("bag-info.txt: Bagging-Date is not YYYY-MM-DD");
  }

  const tagManifest = files.get("tagmanifest-sha256.txt");
  if (tagManifest) {
    const listed = parseManifest(tagManifest.toString("utf8"), "tagmanifest-sha256.txt", problems);
    for (const [path, digest] of listed) {
      if (path.startsWith("data/")) problems.push(`tagmanifest-sha256.txt: lists payload file ${path}`);
      if (/^tagmanifest-/.test(path)) problems.push("tagmanifest-sha256.txt: lists a tag manifest");
      const data = files.get(path);
      if (!data) problems.push(`tagmanifest-sha256.txt: ${path} is listed but missing`);
      else if (sha256(data) !== digest) problems.push(`tagmanifest-sha256.txt: checksum mismatch for ${path}`);
    }
    for (const path of files.keys()) {
      if (!path.startsWith("data/") && !/^tagmanifest-/.test(path) && !listed.has(path)) {
        problems.push(`tagmanifest-sha256.txt: tag file ${path} is not listed`);
      }
    }
  }
  return { problems, base, files };
}
