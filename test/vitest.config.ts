import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["test/**/*.test.ts"],
    exclude: ["test/worker/**", "node_modules/**"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    // Browser tests start a hub and Chromium in one hook; on a loaded 2-core machine that has taken over a minute.
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    // Test files share their worker's module cache instead of importing the app anew each: that
    // took about a second and a half of CPU per file, over half the suite's time. So a test must
    // not rely on module state being fresh: it starts its own hub and leaves globals as it found them.
    isolate: false,
    // Three on two cores: the tests wait on sockets, child processes and Chromium often enough that
    // a third worker fills the gaps (PGlite suite 8.0 min with two, 5.6 with three, 5.7 with four).
    maxWorkers: 3,
  },
});
