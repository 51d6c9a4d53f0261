// A BagIt bag (RFC 8493) written straight into a streamed zip: each payload file is hashed
// while it passes through, so the manifests (written last; order inside a zip is free) never
// need the payload again and the archive is never held in memory.

import { coalesceChunks } from "./coalesce";
import { type Crc32, javascriptCrc32 } from "./crc32";
import { type Hasher, nobleHasher } from "./hasher";
import { type ZipFile, zipPieces } from "./zip";

export type Chunk = string | Uint8Array;

export interface PayloadFile {
  /** Path below data/, with forward slashes. */
  path: string;
  content: Chunk | Iterable<Chunk> | AsyncIterable<Chunk>;
}

/** A payload file already written, as the manifest (and METS) list it. */
export interface WrittenFile {
  path: string;
  sha256: string;
  size: number;
}

export interface BagInfo {
  /** The bag's base directory, and the zip's only top-level directory. */
  name: string;
  sourceOrganization: string;
  externalIdentifier: string;
  externalDescription: string;
  /** Further bag-info.txt lines, in order. */
  extra?: [label: string, value: string][];
}

const encoder = new TextEncoder();

/**
 * `producePayload` receives the list of files written so far; by the time it yields a file,
 * every earlier file is complete there (the zip reads each input to the end before the next),
 * which lets a METS document list its siblings' checksums. The zip is read as its reader asks
 * (a pull stream all the way down), so a slow client holds back the database reads, not memory.
 */
export function streamBag(
  info: BagInfo,
  now: Date,
  producePayload: (written: readonly WrittenFile[]) => AsyncIterable<PayloadFile>,
  hasher: Hasher = nobleHasher,
  crc32: Crc32 = javascriptCrc32,
): ReadableStream<Uint8Array> {
  return coalesceChunks(zipPieces(bagFiles(info, now, producePayload, hasher), crc32));
}

async function* bagFiles(
  info: BagInfo,
  now: Date,
  producePayload: (written: readonly WrittenFile[]) => AsyncIterable<PayloadFile>,
  hasher: Hasher,
): AsyncGenerator<ZipFile> {
  const written: WrittenFile[] = [];
  const seen = new Set<string>();
  let open = 0;
  for await (const file of producePayload(written)) {
    if (open) throw new Error("A payload file was not read to its end before the next one.");
    if (seen.has(file.path)) throw new Error(`Two payload files share the path ${file.path}.`);
    seen.add(file.path);
    open++;
    // Hashed while it streams out: the file is never whole in memory.
    const hash = hasher();
    let size = 0;
    const input = async function* () {
      for await (const chunk of chunksOf(file.content)) {
        const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
        hash.update(bytes);
        size += bytes.length;
        yield bytes;
      }
      written.push({ path: file.path, sha256: hash.hex(), size });
      open--;
    };
    yield { name: `${info.name}/data/${file.path}`, input: input(), lastModified: now };
  }
  if (open) throw new Error("The last payload file was not read to its end.");

  const tagFiles: [string, string][] = [
    ["bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"],
    ["bag-info.txt", bagInfoText(info, now, written)],
    ["manifest-sha256.txt", written.map((f) => `${f.sha256}  ${encodePath(`data/${f.path}`)}\n`).join("")],
  ];
  const tagManifest = tagFiles
    .map(([name, text]) => {
      const hash = hasher();
      hash.update(encoder.encode(text));
      return `${hash.hex()}  ${name}\n`;
    })
    .join("");
  for (const [name, text] of [...tagFiles, ["tagmanifest-sha256.txt", tagManifest]]) {
    yield { name: `${info.name}/${name}`, input: once(encoder.encode(text)), lastModified: now };
  }
}

function bagInfoText(info: BagInfo, now: Date, written: WrittenFile[]): string {
  const octets = written.reduce((sum, f) => sum + f.size, 0);
  const lines: [string, string][] = [
    ["Source-Organization", info.sourceOrganization],
    ["External-Identifier", info.externalIdentifier],
    ["External-Description", info.externalDescription],
    ["Bagging-Date", now.toISOString().slice(0, 10)],
    ["Payload-Oxum", `${octets}.${written.length}`],
    ["Bag-Software-Agent", "Kriskanal"],
    ...(info.extra ?? []),
  ];
  return lines.map(([label, value]) => `${label}: ${value.replace(/[\r\n]+/g, " ")}\n`).join("");
}

/** RFC 8493 2.1.3: CR, LF and % (only those) are percent-encoded in manifest paths. */
function encodePath(path: string): string {
  return path.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function* chunksOf(content: PayloadFile["content"]): AsyncGenerator<Chunk> {
  if (typeof content === "string" || content instanceof Uint8Array) {
    yield content;
    return;
  }
  for await (const chunk of content as AsyncIterable<Chunk>) yield chunk;
}
