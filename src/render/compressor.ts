// Public renderings are compressed once per change and kept beside the plain bytes, so a request
// in a traffic spike only picks which bytes to write. The seam keeps the app runtime-free: Node
// passes node:zlib (compressor-node.ts); Workers passes none, because Cloudflare's edge
// compresses what it serves.

export type ContentEncoding = "br" | "gzip";

export interface Compressor {
  /** The encodings this runtime produces, most preferred first. */
  encodings: readonly ContentEncoding[];
  compress(bytes: Uint8Array, encoding: ContentEncoding): Promise<Uint8Array<ArrayBuffer>>;
}

/** Below this a compressed body saves less than its headers and the client's work cost. */
export const MIN_COMPRESSIBLE_BYTES = 512;

/** The ETag suffix of each encoding: a strong validator names one exact sequence of bytes. */
export const ETAG_SUFFIX: Record<ContentEncoding, string> = { br: "-br", gzip: "-gz" };

/**
 * The first of `offered` that Accept-Encoding accepts (q > 0), or undefined for the plain bytes.
 * `*` accepts whatever is not named; `identity;q=0` is ignored, the plain bytes are always there.
 */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  offered: readonly ContentEncoding[],
): ContentEncoding | undefined {
  if (!acceptEncoding || offered.length === 0) return undefined;
  // Browsers send a handful of distinct headers, and this runs for every public request.
  let remembered = choices.get(offered);
  if (!remembered) {
    remembered = new Map();
    choices.set(offered, remembered);
  }
  const known = remembered.get(acceptEncoding);
  if (known !== undefined) return known || undefined;
  if (remembered.size >= MAX_REMEMBERED_CHOICES) remembered.clear();
  const choice = parseAndChoose(acceptEncoding, offered);
  remembered.set(acceptEncoding, choice ?? "");
  return choice;
}

const MAX_REMEMBERED_CHOICES = 256;
/** Per list of offered encodings (one per compressor), the choice per header; "" for the plain bytes. */
const choices = new WeakMap<readonly ContentEncoding[], Map<string, ContentEncoding | "">>();

function parseAndChoose(acceptEncoding: string, offered: readonly ContentEncoding[]): ContentEncoding | undefined {
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key === "q") q = Number(value);
    }
    weights.set(name.trim(), Number.isFinite(q) ? q : 0);
  }
  const weightOf = (encoding: ContentEncoding) =>
    weights.get(encoding) ?? (encoding === "gzip" ? weights.get("x-gzip") : undefined) ?? weights.get("*") ?? 0;
  let best: ContentEncoding | undefined;
  let bestWeight = 0;
  for (const encoding of offered) {
    const weight = weightOf(encoding);
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}
