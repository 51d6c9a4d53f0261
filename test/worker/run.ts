// `npm run test:worker`: runs the workerd suite when a PostgreSQL server answers on
// 127.0.0.1:5432 (or where WORKER_TEST_DATABASE_URL points), and otherwise says so and succeeds,
// so a machine without one is not a failure.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

const server = new URL(process.env.WORKER_TEST_DATABASE_URL ?? "postgres://127.0.0.1:5432");
const HOST = server.hostname;
const PORT = Number(server.port || 5432);

function answers(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

if (!(await answers(HOST, PORT))) {
  console.log(`test:worker skipped: no PostgreSQL answers at ${HOST}:${PORT} (the worker tests need a real server).`);
  process.exit(0);
}
const root = fileURLToPath(new URL("../..", import.meta.url));
const vitest = spawn(
  process.execPath,
  [
    fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url)),
    "run",
    "--config",
    "test/worker/vitest.config.ts",
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: "inherit" },
);
vitest.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
