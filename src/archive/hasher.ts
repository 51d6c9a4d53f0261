// SHA-256 for the archive bag, behind a seam: a package of a long crisis is hundreds of
// megabytes, and node:crypto (hasher-node.ts) hashes it natively at many times the speed of
// @noble/hashes, which stays the default because Workers have no incremental SHA-256 of their own
// (crypto.subtle.digest takes the whole input at once).
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** One incremental SHA-256: bytes in as they stream past, the lowercase hex digest at the end. */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  hex(): string;
}

export type Hasher = () => Sha256;

export const nobleHasher: Hasher = () => {
  const hash = sha256.create();
  return {
    update: (bytes) => {
      hash.update(bytes);
    },
    hex: () => bytesToHex(hash.digest()),
  };
};
