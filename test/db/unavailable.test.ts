import { describe, expect, test } from "vitest";
import { isDatabaseUnavailable } from "../../src/db/unavailable";
import { waitForDatabase } from "../../src/db/wait-for-database";
import { ConflictError, ServiceUnavailableError } from "../../src/errors";
import { createLog } from "../../src/log";

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
/** As drizzle reports a failed query: its own error, with the driver's as the cause. */
const wrapped = (cause: Error) => Object.assign(new Error("Failed query: select 1\nparams: "), { cause });

describe("telling an outage from other failures", () => {
  test("connection failures of either driver, also when drizzle wraps them", () => {
    for (const error of [
      withCode("ECONNREFUSED"),
      withCode("CONNECTION_CLOSED"),
      withCode("CONNECT_TIMEOUT"),
      withCode("57P01", "terminating connection due to administrator command"),
      withCode("08006", "connection failure"),
      withCode("57014", "canceling statement due to statement timeout"),
      new Error("PGlite is closed"),
      new ServiceUnavailableError(),
    ]) {
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
      expect(isDatabaseUnavailable(wrapped(error)), error.message).toBe(true);
    }
  });

  test("a query or constraint error, or a domain error, is not an outage", () => {
    for (const error of [
      withCode("23505", "duplicate key value violates unique constraint"),
      withCode("42P01", 'relation "x" does not exist'),
      withCode("28P01", "password authentication failed"),
      new ConflictError("conflict", "taken"),
      new TypeError("x is undefined"),
    ]) {
      expect(isDatabaseUnavailable(wrapped(error)), error.message).toBe(false);
    }
  });
});

describe("waiting for the database at start-up", () => {
  test("waits with growing pauses, says so, and returns once it answers", async () => {
    const lines: string[] = [];
    const waits: number[] = [];
    let tries = 0;
    const opened = await waitForDatabase(
      async () => {
        if (++tries < 4) throw wrapped(withCode("ECONNREFUSED"));
        return "open";
      },
      createLog("info", (line) => lines.push(line)),
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(opened).toBe("open");
    expect(waits).toEqual([1_000, 2_000, 4_000]);
    expect(lines.filter((l) => l.includes("waiting for the database"))).toHaveLength(3);
  });

  test("a refusal waiting cannot fix ends the start", async () => {
    const refused = withCode("28P01", "password authentication failed");
    await expect(
      waitForDatabase(
        async () => {
          throw refused;
        },
        createLog("silent"),
        async () => {},
      ),
    ).rejects.toBe(refused);
  });
});
