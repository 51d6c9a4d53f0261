import { describe, expect, test } from "vitest";
import { createLog } from "../../src/log";

describe("log lines", () => {
  test("never carry values under secret-looking keys or the parameters of a failed query", () => {
    const lines: string[] = [];
    const log = createLog("debug", (line) => lines.push(line));
    const failedQuery =
      'Failed query: insert into "sessions" ("token_hash") values ($1)\nparams: 9f86d081884c7d659a2feaa0c55ad015\n    at PgSession.queryWithCache (session.ts:73:10)';
    log.error("unhandled error", {
      error: failedQuery,
      credential: { accessToken: "abc123secret" },
      path: "/staff/login",
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("9f86d081884c7d659a2feaa0c55ad015");
    expect(lines[0]).not.toContain("abc123secret");
    expect(lines[0]).toContain("params: [redacted]");
    expect(lines[0]).toContain("PgSession.queryWithCache");
    expect(lines[0]).toContain("/staff/login");
  });
});
