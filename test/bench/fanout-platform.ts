// The bench's stand-in platform in a process of its own, as a real platform would be: it does
// not share the hub's event loop. Prints its URL as one JSON line; exits when stdin closes.
import { startSandbox } from "../../src/sandbox/index";

const latencyMs = Number(process.argv[2] ?? 200);
const sandbox = await startSandbox();
sandbox.control("mastodon").setLatency(latencyMs);
process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  sandbox.close().finally(() => process.exit(0));
});
