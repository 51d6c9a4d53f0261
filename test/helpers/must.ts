// Tests often hold a value the types call optional but the scenario guarantees: `must` checks it,
// and a broken guarantee fails the test with what was missing instead of a TypeError further on.

/** The value, or a thrown error naming what was expected. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`Expected ${what}, got ${value}.`);
  return value;
}
