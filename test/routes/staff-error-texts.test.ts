// Every code the hub can answer with has Swedish words, so a new code without them fails here
// rather than showing English (or nothing) on a staff page.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { AppError, type ErrorCode, errorCodes, toHttpError } from "../../src/errors";
import { errorText, errorTexts } from "../../src/routes/staff/error-texts";
import { toSwedishErrors } from "../../src/routes/staff/form";

describe("error codes and their words", () => {
  test("every code in errorCodes has a Swedish text, and the table holds no unknown code", () => {
    const codes = Object.keys(errorCodes).sort();
    expect(Object.keys(errorTexts.sv).sort()).toEqual(codes);
    for (const code of codes as ErrorCode[]) {
      expect(errorText(code, {}), code).toMatch(/\S/);
    }
  });

  test("README.md documents every code", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### Error codes"));
    for (const code of Object.keys(errorCodes)) expect(section, code).toContain(`\`${code}\``);
  });

  test("params fill the words in, in the API body and in the Swedish text", () => {
    const error = new AppError(409, "department_name_taken", 'A department named "VA" already exists.', {
      params: { name: "VA" },
    });
    expect(toHttpError(error)?.body.error).toMatchObject({ code: "department_name_taken", params: { name: "VA" } });
    expect(errorText("department_name_taken", { name: "VA" })).toBe("Det finns redan en verksamhet som heter ”VA”.");
  });

  test("a staff page words a refusal by its code, whatever its English says", () => {
    const reworded = new AppError(409, "incident_resolved", "Some entirely new English wording.");
    expect(toSwedishErrors(reworded, {}, "body")).toEqual([
      { field: "body", message: "Händelsen är avslutad. Det går inte att publicera fler uppdateringar i den." },
    ]);
  });
});
