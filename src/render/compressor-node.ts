// Node's compressor for public renderings (see compressor.ts). Brotli at its best quality is
// affordable here because a rendering is compressed once per change, not once per request.
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Compressor } from "./compressor";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export function createNodeCompressor(): Compressor {
  return {
    encodings: ["br", "gzip"],
    async compress(bytes, encoding) {
      const out =
        encoding === "br"
          ? await brotli(bytes, {
              params: {
                [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
              },
            })
          : await gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION });
      // A copy that owns its memory: a Buffer may be a slice of a shared pool.
      return new Uint8Array(out);
    },
  };
}
