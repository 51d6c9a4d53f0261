// npm run bench:public — how the public incident page holds up in a traffic spike. The same
// page is served (1) as the hub serves it, rendered once per change and kept, (2) answered with
// 304 to a browser or CDN that already has it, and (3) rendered on every request (the render
// cache switched off), next to (4) a bare Node HTTP server answering the same bytes: the ceiling
// of this machine and load client, measured in the same run.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { PublicCache } from "../../src/render/public-cache";
import { api, startTestHub } from "../helpers/hub";

const UPDATES = 50;
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const hub = await startTestHub({ env: { KRISKANAL_LOG: "warn" }, deps: { now: () => new Date() } });
const admin = api(hub, hub.token);
const incident = (await admin.post("/api/v1/incidents", { title: "Storm över kommunen", severity: "major" })).json;
for (let i = 1; i <= UPDATES; i++) {
  await admin.post(`/api/v1/incidents/${incident.id}/updates`, {
    body: `Uppdatering ${i}: elavbrott i norra delen av kommunen. Följ informationen här och i våra kanaler.`,
  });
}
const path = `/incidents/${incident.slug}`;
const server = serve({ fetch: (req) => hub.app.fetch(req, { deps: hub.deps }), port: 0, hostname: "127.0.0.1" });
await new Promise((resolve) => server.once("listening", resolve));
const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
const first = await fetch(hubUrl);
const page = await first.text();
const etag = first.headers.get("etag") ?? "";

const bare = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page));
await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
}

function load(url: string, ifNoneMatch = ""): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        new URL("./load-client.ts", import.meta.url).pathname,
        url,
        String(CONNECTIONS),
        String(SECONDS),
        ifNoneMatch,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load client exited ${code}`)),
    );
  });
}

const line = (name: string, r: LoadResult) =>
  `${name.padEnd(44)} ${r.perSecond.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   ${JSON.stringify(r.statuses)}`;

console.log(
  `Public incident page with ${UPDATES} updates (${(page.length / 1024).toFixed(0)} KB), ${CONNECTIONS} connections, ${SECONDS} s each, on ${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite"}:`,
);
const baseline = await load(bareUrl);
console.log(line("baseline: bare Node server, same bytes", baseline));
const cached = await load(hubUrl);
console.log(line("hub: rendered once per change", cached));
const notModified = await load(hubUrl, etag);
console.log(line("hub: 304 to If-None-Match", notModified));
const kept = hub.deps.publicCache;
const noCache: PublicCache = { ...kept, get: () => undefined, set() {} };
hub.deps.publicCache = noCache;
const uncached = await load(hubUrl);
hub.deps.publicCache = kept;
console.log(line("hub: rendered on every request (cache off)", uncached));
console.log(
  `\nRendering once per change serves ${(cached.perSecond / uncached.perSecond).toFixed(1)}x the requests of rendering each time, ` +
    `${((cached.perSecond / baseline.perSecond) * 100).toFixed(0)}% of the bare server's rate.`,
);

server.close();
bare.close();
await hub.close();
