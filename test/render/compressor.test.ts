import { describe, expect, test } from "vitest";
import { chooseEncoding } from "../../src/render/compressor";

const BOTH = ["br", "gzip"] as const;

describe("choosing an encoding from Accept-Encoding", () => {
  test("prefers brotli, then gzip, and falls back to the plain bytes", () => {
    expect(chooseEncoding("gzip, deflate, br, zstd", BOTH)).toBe("br");
    expect(chooseEncoding("gzip, deflate", BOTH)).toBe("gzip");
    expect(chooseEncoding("deflate", BOTH)).toBeUndefined();
    expect(chooseEncoding(undefined, BOTH)).toBeUndefined();
    expect(chooseEncoding("", BOTH)).toBeUndefined();
  });

  test("honours q-values, q=0 refusing an encoding", () => {
    expect(chooseEncoding("br;q=0, gzip", BOTH)).toBe("gzip");
    expect(chooseEncoding("br;q=0.5, gzip;q=0.9", BOTH)).toBe("gzip");
    expect(chooseEncoding("BR;Q=1, GZIP;q=0.1", BOTH)).toBe("br");
    expect(chooseEncoding("*", BOTH)).toBe("br");
    expect(chooseEncoding("*;q=0, gzip", BOTH)).toBe("gzip");
    expect(chooseEncoding("x-gzip", BOTH)).toBe("gzip");
  });

  test("offers only what the runtime produces", () => {
    expect(chooseEncoding("br, gzip", ["gzip"])).toBe("gzip");
    expect(chooseEncoding("br, gzip", [])).toBeUndefined();
  });
});
