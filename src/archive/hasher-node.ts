// Node's SHA-256 for the archive bag (see hasher.ts): OpenSSL, with the CPU's SHA extensions
// where there are any.
import { createHash } from "node:crypto";
import type { Hasher } from "./hasher";

export function createNodeHasher(): Hasher {
  return () => {
    const hash = createHash("sha256");
    return {
      update: (bytes) => {
        hash.update(bytes);
      },
      hex: () => hash.digest("hex"),
    };
  };
}
