// npm run bench:export — the archive export of a large incident (5,000 updates to 20 accounts,
// 100,000 deliveries) next to a plain COPY of the same rows to CSV in the same run, with the
// peak memory of each. PGlite by default; a PostgreSQL server when TEST_DATABASE_URL or
// DATABASE_URL is set (a throwaway database is created there and dropped afterwards).
// A smaller incident (500 updates) is exported first, so memory can be compared across sizes.
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { Sql } from "postgres";

const UPDATES = Number(process.env.BENCH_UPDATES ?? 5000);
const ACCOUNTS = 20;
const SMALL = Math.max(1, Math.round(UPDATES / 10));

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (serverUrl) process.env.TEST_DATABASE_URL = serverUrl;
const { startTestHub } = await import("../helpers/hub");
const { rowsOf } = await import("../../src/db/client");
const { sealJson } = await import("../../src/domain/accounts/secrets");

type Hub = Awaited<ReturnType<typeof startTestHub>>;

function watchMemory() {
  const cpu = process.cpuUsage();
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      const used = process.cpuUsage(cpu);
      return { rss, heap, cpuMs: (used.user + used.system) / 1000 };
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function seedIncident(hub: Hub, updates: number, title: string): Promise<string> {
  const db = hub.deps.db;
  const incident = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into incidents (slug, title, severity, status, areas, registration_number, opened_at, updated_at)
      values (${title.toLowerCase().replace(/\W+/g, "-")}, ${title}, 'major', 'resolved', '["Centrum"]'::jsonb,
              ${`KS 2026/${updates}`}, now() - interval '2 days', now())
      returning id`),
  )[0].id;
  await db.execute(sql`
    insert into updates (incident_id, number, kind, body, author, state, created_at, published_at, targets)
    select ${incident}::uuid, n, case when n = ${updates} then 'all_clear' else 'update' end,
           'Uppdatering ' || n || ': Vattnet är avstängt på Storgatan, "Kungsgatan" och Torget. '
             || repeat('Tankbil finns vid skolan. ', 8),
           '{"name":"Anna Andersson","title":"Kommunikatör"}'::jsonb, 'published',
           now() - interval '2 days' + n * interval '20 seconds', now() - interval '2 days' + n * interval '20 seconds',
           '"all"'::jsonb
    from generate_series(1, ${updates}) n`);
  await db.execute(sql`
    insert into update_revisions (update_id, revision, body, created_at)
    select id, 1, body, created_at from updates where incident_id = ${incident}::uuid`);
  await db.execute(sql`
    insert into deliveries (update_id, account_id, kind, status, attempts, next_attempt_at, remote_id, remote_url,
                            sent_text, created_at, updated_at, published_at)
    select u.id, a.id, 'publish', 'published', 1, u.created_at, 'p' || u.number || '-' || a.handle,
           a.public_url || '/posts/' || u.number, left(u.body, 250) || ' ' || a.public_url, u.created_at,
           u.created_at + interval '3 seconds', u.created_at + interval '3 seconds'
    from updates u cross join accounts a where u.incident_id = ${incident}::uuid
    order by u.number, a.handle`);
  await db.execute(sql`
    insert into audit_log (at, actor_name, action, entity_type, entity_id, incident_id, after)
    select created_at, 'Anna Andersson', 'update.posted', 'update', id::text, incident_id,
           jsonb_build_object('id', id, 'number', number, 'body', body)
    from updates where incident_id = ${incident}::uuid`);
  return incident;
}

async function seedAccounts(hub: Hub) {
  const now = hub.clock.now();
  for (let i = 0; i < ACCOUNTS; i++) {
    const credential = await sealJson(hub.deps.secretKey, { accessToken: `PLANTED-SECRET-${i}` });
    await hub.deps.db.execute(sql`
      insert into accounts (platform, handle, base_url, credential_ciphertext, public_url, status, created_at, updated_at)
      values (${["facebook", "x", "mastodon", "bluesky", "linkedin"][i % 5]}, ${`konto${i}`}, 'https://social.example',
              ${credential}, ${`https://social.example/konto${i}`}, 'active', ${now.toISOString()}::timestamptz,
              ${now.toISOString()}::timestamptz)`);
  }
}

async function timeExport(hub: Hub, incidentId: string) {
  const memory = watchMemory();
  const started = performance.now();
  const res = await hub.app.request(
    `/api/v1/incidents/${incidentId}/export`,
    { headers: { authorization: `Bearer ${hub.token}` } },
    { deps: hub.deps },
  );
  if (res.status !== 200) throw new Error(`export failed: ${res.status} ${await res.text()}`);
  let bytes = 0;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
  }
  const ms = performance.now() - started;
  const peak = memory.stop();
  // What the export left behind, as against what piled up while it ran (node --expose-gc only).
  global.gc?.();
  return { ms, bytes, peak, heapAfterGc: global.gc ? process.memoryUsage().heapUsed : null };
}

const COPY_QUERIES = (incident: string) => [
  `select u.* from updates u where u.incident_id = '${incident}' order by u.number`,
  `select r.* from update_revisions r join updates u on u.id = r.update_id where u.incident_id = '${incident}' order by u.number, r.revision`,
  `select d.id, d.seq, d.update_id, d.account_id, a.platform, a.handle, d.kind, d.status, d.attempts, d.remote_id, d.remote_url, d.sent_text, d.created_at, d.published_at from deliveries d join updates u on u.id = d.update_id join accounts a on a.id = d.account_id where u.incident_id = '${incident}' order by d.seq`,
  `select * from audit_log where incident_id = '${incident}' order by id`,
];

async function timeCopy(hub: Hub, incidentId: string) {
  const memory = watchMemory();
  const started = performance.now();
  let bytes = 0;
  // The driver under drizzle: postgres.js on a server, PGlite in memory.
  const client = (hub.deps.db as unknown as { $client: Sql | PGlite }).$client;
  for (const query of COPY_QUERIES(incidentId)) {
    if ("unsafe" in client) {
      const stream = await client.unsafe(`copy (${query}) to stdout with (format csv, header)`).readable();
      // pipeline, not for-await: postgres.js leaves the connection stuck in COPY after a for-await.
      await pipeline(
        stream,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            bytes += chunk.length;
            done();
          },
        }),
      );
    } else {
      const result = await client.query(`copy (${query}) to '/dev/blob' with (format csv, header)`);
      bytes += result.blob ? result.blob.size : 0;
    }
  }
  const ms = performance.now() - started;
  return { ms, bytes, peak: memory.stop() };
}

const hub = await startTestHub();
try {
  console.log(`Database: ${serverUrl ? "PostgreSQL (throwaway database)" : "PGlite (in memory)"}`);
  const seedStart = performance.now();
  await seedAccounts(hub);
  const small = await seedIncident(hub, SMALL, `Liten händelse ${SMALL}`);
  const large = await seedIncident(hub, UPDATES, `Stor händelse ${UPDATES}`);
  // A live database has statistics (autovacuum analyses tables as they fill); a table filled a
  // moment ago has none, and the planner would scan all deliveries for every batch.
  await hub.deps.db.execute(sql`analyze`);
  console.log(
    `Seeded ${SMALL} and ${UPDATES} updates to ${ACCOUNTS} accounts in ${seconds(performance.now() - seedStart)}`,
  );
  global.gc?.();
  const baseline = process.memoryUsage().rss;

  const smallExport = await timeExport(hub, small);
  console.log(`Exported the ${SMALL}-update incident`);
  const largeExport = await timeExport(hub, large);
  console.log(`Exported the ${UPDATES}-update incident`);
  const largeCopy = await timeCopy(hub, large);

  const rows = [
    [`export, ${SMALL} updates (${SMALL * ACCOUNTS} deliveries)`, smallExport],
    [`export, ${UPDATES} updates (${UPDATES * ACCOUNTS} deliveries)`, largeExport],
    [`COPY of the same rows to CSV, ${UPDATES} updates`, largeCopy],
  ] as const;
  console.log(`\nRSS before the runs: ${mb(baseline)}\n`);
  console.log(
    [
      "what".padEnd(52),
      "time".padStart(9),
      "output".padStart(11),
      "MB/s".padStart(7),
      "peak RSS".padStart(11),
      "peak heap".padStart(11),
      "CPU here".padStart(9),
    ].join(" "),
  );
  for (const [what, r] of rows) {
    console.log(
      [
        what.padEnd(52),
        seconds(r.ms).padStart(9),
        mb(r.bytes).padStart(11),
        (r.bytes / 1_048_576 / (r.ms / 1000)).toFixed(1).padStart(7),
        mb(r.peak.rss).padStart(11),
        mb(r.peak.heap).padStart(11),
        seconds(r.peak.cpuMs).padStart(9),
      ].join(" "),
    );
  }
  console.log(
    `\nThe ${UPDATES}-update export took ${(largeExport.ms / largeCopy.ms).toFixed(1)}x the time of a bare COPY; it writes ` +
      `${(largeExport.bytes / largeCopy.bytes).toFixed(1)}x the bytes (JSON + CSV + CAP + HTML + METS, hashed twice: SHA-256 and zip CRC-32).`,
  );
  const perMegabyte = (r: { ms: number; bytes: number }) => r.ms / (r.bytes / 1_048_576);
  console.log(
    `Per output megabyte: export ${perMegabyte(largeExport).toFixed(1)} ms, COPY ${perMegabyte(largeCopy).toFixed(1)} ms: ` +
      `${(perMegabyte(largeExport) / perMegabyte(largeCopy)).toFixed(2)}x COPY's time per megabyte (goal: at most 2x).`,
  );
  if (largeExport.heapAfterGc !== null && smallExport.heapAfterGc !== null) {
    console.log(
      `Heap after a forced GC: ${mb(smallExport.heapAfterGc)} after the ${SMALL}-update export, ${mb(largeExport.heapAfterGc)} after the ${UPDATES}-update one.`,
    );
  }
  console.log(
    `Peak RSS grew by ${mb(Math.max(0, largeExport.peak.rss - smallExport.peak.rss))} from the ${SMALL}-update export to the ${UPDATES}-update one, for ${mb(largeExport.bytes - smallExport.bytes)} more output.`,
  );
} finally {
  await hub.close();
}
