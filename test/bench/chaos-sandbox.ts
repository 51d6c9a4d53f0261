// The chaos bench's stand-in platforms, in a process of their own so that killing the hub leaves
// them (and what they stored) standing. Every account gets a sandbox of its own under
// /s/<name>/<platform>/..., so a lookup on one account never finds another account's post.
// Faults are drawn per request for the sandboxes whose name starts with the prefix given to
// POST /_chaos/faults {rate, prefix}: a third each
//   - 503 (the platform's own error body),
//   - 429 with Retry-After (and the platform's own rate-limit signal), 1–3 s,
//   - "stored but the answer was lost": the request is handled in full (the post is stored),
//     then the connection is dropped without an answer.
// The 503 and 429 go through the sandbox's own switches (control.failNext), so each platform
// answers them in its own words. GET /_chaos/faults gives the counts. Prints its URL as one JSON
// line; exits when stdin closes.
import type { HttpBindings } from "@hono/node-server";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { PLATFORMS, type Platform } from "../../src/platforms/types";
import { createSandbox, type SandboxInstance } from "../../src/sandbox/index";

type FaultKind = "unavailable" | "rateLimited" | "answerLost";

const sandboxes = new Map<string, SandboxInstance>();
const faults = { rate: 0, prefix: "\u0000" };
const injected: Record<FaultKind, number> = { unavailable: 0, rateLimited: 0, answerLost: 0 };
let requests = 0;

function sandboxNamed(name: string): SandboxInstance {
  let sandbox = sandboxes.get(name);
  if (!sandbox) {
    sandbox = createSandbox();
    sandboxes.set(name, sandbox);
  }
  return sandbox;
}

function drawFault(name: string, path: string): FaultKind | null {
  if (faults.rate <= 0 || !name.startsWith(faults.prefix) || path.startsWith("/_control")) return null;
  requests++;
  if (Math.random() >= faults.rate) return null;
  const kinds: FaultKind[] = ["unavailable", "rateLimited", "answerLost"];
  const kind = kinds[Math.floor(Math.random() * kinds.length)];
  injected[kind]++;
  return kind;
}

const app = new Hono<{ Bindings: HttpBindings }>()
  .post("/_chaos/faults", async (c) => {
    const body = (await c.req.json()) as { rate?: number; prefix?: string };
    faults.rate = Number(body.rate ?? 0);
    faults.prefix = String(body.prefix ?? "");
    return c.json({ ok: true });
  })
  .get("/_chaos/faults", (c) => c.json({ ...faults, requests, injected }))
  .all("/s/:name/*", async (c) => {
    const name = c.req.param("name");
    const sandbox = sandboxNamed(name);
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice(`/s/${name}`.length);
    const fault = drawFault(name, url.pathname);
    const platform = url.pathname.split("/")[1] as Platform;
    if ((fault === "unavailable" || fault === "rateLimited") && PLATFORMS.includes(platform)) {
      const path = url.pathname;
      const seconds = 1 + Math.floor(Math.random() * 3);
      sandbox.platforms[platform].control.failNext(
        fault === "unavailable"
          ? { status: 503, match: path }
          : { status: 429, match: path, retryAfterSeconds: seconds, headers: { "retry-after": String(seconds) } },
      );
    }
    const method = c.req.method;
    const body = method === "GET" || method === "HEAD" ? undefined : await c.req.arrayBuffer();
    const res = await sandbox.app.fetch(new Request(url, { method, headers: c.req.raw.headers, body }));
    if (fault !== "answerLost") return res;
    // Handled and stored; the answer never reaches the hub.
    await res.arrayBuffer();
    c.env.incoming.socket.destroy();
    return new Response(null, { status: 502 });
  });

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}` })}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => {
  for (const sandbox of sandboxes.values()) sandbox.reset();
  server.close(() => process.exit(0));
  (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
});
