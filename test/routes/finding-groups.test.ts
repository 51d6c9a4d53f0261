import { describe, expect, test } from "vitest";
import { groupFindings } from "../../src/routes/staff/finding-groups";

const account = (id: string, rules: ("no_deputy" | "no_purpose")[]) => ({
  accountId: id,
  platform: "x",
  handle: `@${id}`,
  findings: rules.map((rule) => ({ rule, message: `${rule} på ${id}` })),
});

describe("groupFindings", () => {
  test("one line per rule, naming every account it flags, in the report's order", () => {
    const groups = groupFindings([
      account("a", ["no_deputy"]),
      account("b", ["no_deputy", "no_purpose"]),
      account("c", []),
    ]);
    expect(groups.map((g) => [g.rule, g.accounts.map((a) => a.accountId)])).toEqual([
      ["no_deputy", ["a", "b"]],
      ["no_purpose", ["b"]],
    ]);
    expect(groups[1].message).toBe("no_purpose på b");
    expect(groups[0].label).toBe("Ingen ersättare utsedd");
  });
});
