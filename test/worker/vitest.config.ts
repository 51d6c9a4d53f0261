// `npm run test:worker`: the worker in workerd (one instance, so one file at a time) against the
// real PostgreSQL. The main suite (test/vitest.config.ts) leaves test/worker/ out.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/worker/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
  },
});
