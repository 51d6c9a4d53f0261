import { describe, expect, test } from "vitest";
import {
  findPlaceholders,
  PLACEHOLDERS,
  refuseUnfilledPlaceholders,
  refuseUnknownPlaceholders,
} from "../../src/domain/publishing/placeholders";
import { InvalidInputError } from "../../src/errors";

function caught(run: () => void): InvalidInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error("nothing was refused");
}

describe("placeholders", () => {
  test("finds each brace-wrapped word once, Swedish letters included, in order", () => {
    expect(findPlaceholders("Inget vatten i {område} till {tid}; {område} igen, {ej placeholder}")).toEqual([
      "område",
      "tid",
    ]);
  });

  test("a post with a known placeholder left in is refused, naming it and the field", () => {
    const error = caught(() =>
      refuseUnfilledPlaceholders([
        { field: "body", text: "Vattnet är tillbaka i Norrby." },
        { field: "variants.x", text: "Ring {telefon}." },
      ]),
    );
    expect(error.code).toBe("placeholder_unfilled");
    expect(error.params).toMatchObject({ placeholder: "telefon" });
    expect(error.fields).toEqual([
      expect.objectContaining({ field: "variants.x", params: { placeholder: "telefon" } }),
    ]);
  });

  test("filled text and braces around other words pass", () => {
    expect(() => refuseUnfilledPlaceholders([{ field: "body", text: "Kod {abc123} och {x y}" }])).not.toThrow();
    expect(() => refuseUnfilledPlaceholders([{ field: "body", text: "Inget vatten i Norrby." }])).not.toThrow();
  });

  test("a template with a word outside the set is refused naming it; the whole set is accepted", () => {
    const error = caught(() => refuseUnknownPlaceholders([{ field: "firstUpdate", text: "I {omrde} till {tid}" }]));
    expect(error.code).toBe("placeholder_unknown");
    expect(error.params).toMatchObject({ placeholder: "omrde" });
    expect(error.fields?.map((f) => f.field)).toEqual(["firstUpdate"]);
    const all = PLACEHOLDERS.map((p) => `{${p}}`).join(" ");
    expect(() => refuseUnknownPlaceholders([{ field: "firstUpdate", text: all }])).not.toThrow();
  });
});
