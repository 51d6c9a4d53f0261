import { availableParallelism } from "node:os";
import { describe, expect, test } from "vitest";
import { countProcesses } from "../src/cluster-node";

const PG = { DATABASE_URL: "postgres://db/kriskanal", KRISKANAL_DEMO: "0" };

describe("KRISKANAL_PROCESSES", () => {
  test("runs the number asked, or one per core for auto, on PostgreSQL without the demo", () => {
    expect(countProcesses({ ...PG, KRISKANAL_PROCESSES: "3" })).toEqual({ processes: 3 });
    expect(countProcesses({ ...PG, KRISKANAL_PROCESSES: "auto" })).toEqual({ processes: availableParallelism() });
    expect(countProcesses({ ...PG })).toEqual({ processes: 1 });
  });

  test("stays one process on PGlite and with the demo, and says why", () => {
    const pglite = countProcesses({ KRISKANAL_DEMO: "0", KRISKANAL_PROCESSES: "2" });
    expect(pglite.processes).toBe(1);
    expect(pglite.note).toMatch(/PGlite.*DATABASE_URL/);
    const demo = countProcesses({ DATABASE_URL: PG.DATABASE_URL, KRISKANAL_PROCESSES: "2" });
    expect(demo.processes).toBe(1);
    expect(demo.note).toMatch(/KRISKANAL_DEMO=0/);
  });

  test("a value that is not auto or a whole number is refused loudly, not guessed", () => {
    for (const value of ["two", "0", "-1", "1.5"]) {
      const result = countProcesses({ ...PG, KRISKANAL_PROCESSES: value });
      expect(result.processes).toBe(1);
      expect(result.note).toContain(value);
    }
  });
});
