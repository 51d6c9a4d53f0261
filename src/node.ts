// Node entry: PGlite in the data directory (or PostgreSQL via DATABASE_URL), migrations,
// bootstrap admin, demo data, the HTTP server and the delivery loop. Everything Node-only
// lives here and in src/db/open-node.ts and src/render/load-templates-node.ts.

import cluster from "node:cluster";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { createNodeCrc32 } from "./archive/crc32-node";
import { createNodeHasher } from "./archive/hasher-node";
import { BACKGROUND_ENV, countProcesses, runPrimary } from "./cluster-node";
import { type Config, parseConfig } from "./config";
import { type OpenDatabase, openPglite, openPostgres } from "./db/open-node";
import { waitForDatabase } from "./db/wait-for-database";
import {
  createDemoPublic,
  DEMO_EMAIL,
  DEMO_PASSWORD,
  seedDemo,
  seedDemoExercise,
  seedDemoSubscriber,
  seedDemoTranslatedUpdate,
  withDemoEditors,
} from "./demo";
import { assembleDeps, type Deps } from "./deps";
import { type DispatchLoop, startDispatchLoop } from "./dispatcher/loop";
import { ensureSandboxAccounts } from "./domain/accounts/accounts";
import { checkDueAccountRights, RIGHTS_SCHEDULE_TICK_MS } from "./domain/accounts/rights";
import { generateSecretKeyBase64, importSecretKey } from "./domain/accounts/secrets";
import { sendDueInboxAnswers } from "./domain/inbox/answers";
import { collectDueInboxes } from "./domain/inbox/collect";
import { ensureBootstrapAdmin } from "./domain/people/tokens";
import { ensureOrganisation } from "./domain/publishing/organisation";
import { sendDueWebPushes } from "./domain/publishing/push-messages";
import { seedStarterTemplates } from "./domain/publishing/starter-templates";
import { sendDueWebSubPushes } from "./domain/publishing/websub-push";
import { remindStaleSnapshots } from "./domain/records/snapshot-reminders";
import { eraseStaleSubscribers } from "./domain/subscribers/erasure";
import { sendDueSubscriberMessages } from "./domain/subscribers/outbox";
import { createLog, type Log } from "./log";
import { createPlatforms } from "./platforms/index";
import { createNodeCompressor } from "./render/compressor-node";
import { createNodeImaging } from "./render/imaging-node";
import { readResvgWasm } from "./render/load-resvg-node";
import { loadTemplateSources } from "./render/load-templates-node";
import { createPublicCache } from "./render/public-cache";
import { provideResvgWasm } from "./render/rasterise-logo";
import { createRenderer } from "./render/renderer";
import { sandboxPage } from "./routes/sandbox";
import { ELKS_PASSWORD, ELKS_USERNAME } from "./sandbox/elks";
import { startSandbox } from "./sandbox/index";
import { createSmtpTransport } from "./smtp-node";

/** KRISKANAL_SECRET_KEY, or a key generated once into the data directory (mode 0600). */
export async function loadSecretKey(config: Config, log: Log): Promise<CryptoKey> {
  if (config.secretKey) return importSecretKey(config.secretKey);
  const path = join(config.dataDir, "secret.key");
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, generateSecretKeyBase64(), { mode: 0o600 });
    chmodSync(path, 0o600);
    log.info("generated a credential encryption key", { path });
    if (config.databaseUrl)
      log.warn("set KRISKANAL_SECRET_KEY so that every process sharing the database uses one key");
  }
  return importSecretKey(readFileSync(path, "utf8"));
}

export async function openDatabase(config: Config, log: Log): Promise<OpenDatabase> {
  const url = config.databaseUrl;
  return url ? waitForDatabase(() => openPostgres(url), log) : openPglite(config.dataDir);
}

export async function startNode(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(env);
  const log = createLog(config.logLevel);
  // Where start-up time goes, logged at debug level (KRISKANAL_LOG=debug): see npm run bench:start.
  const phases: Record<string, number> = {};
  let lapAt = performance.now();
  const lap = (phase: string) => {
    const at = performance.now();
    phases[phase] = Math.round(at - lapAt);
    lapAt = at;
  };
  provideResvgWasm(readResvgWasm);
  const database = await openDatabase(config, log);
  lap("database");
  const now = () => new Date();
  await ensureOrganisation(database.db, config.orgName, now());
  await seedStarterTemplates(database.db, now());
  const { printedToken } = await ensureBootstrapAdmin(database.db, now(), config.bootstrapToken);
  lap("bootstrap");
  const demoSeeded = config.demo ? await seedDemo(database.db, now()) : null;
  lap("demo");
  // The demo fans out to stand-in platforms inside this process, so everything works offline.
  const sandbox = config.demo ? await startSandbox({ port: 0 }) : null;
  // The demo's SMS subscriptions go to the 46elks stand-in unless a real gateway is configured.
  if (sandbox && !config.sms) {
    config.sms = { url: `${sandbox.url}/46elks`, username: ELKS_USERNAME, password: ELKS_PASSWORD, from: "Krisinfo" };
  }
  lap("sandbox");
  let loop: DispatchLoop | null = null;
  let websubSweep: ReturnType<typeof setInterval> | undefined;
  let inboxSweep: ReturnType<typeof setInterval> | undefined;
  let subscriberSweep: ReturnType<typeof setInterval> | undefined;
  const mail = config.smtpUrl ? createSmtpTransport(config.smtpUrl) : undefined;
  const deps: Deps = assembleDeps({
    db: database.db,
    config,
    log,
    secretKey: await loadSecretKey(config, log),
    render: createRenderer(loadTemplateSources()),
    platforms: createPlatforms(),
    publicCache: createPublicCache(),
    compressor: createNodeCompressor(),
    hasher: createNodeHasher(),
    crc32: createNodeCrc32(),
    imaging: createNodeImaging(),
    signalDeliveries: () => loop?.wake(),
    ...(mail ? { mail } : {}),
  });
  lap("deps");
  const app = createApp();
  if (sandbox) {
    app.route(
      "/",
      sandboxPage(() => sandbox.describe()),
    );
  }
  // Bound before the demo's work below: listening on a host name first looks it up on libuv's
  // thread pool, where the demo's password hashing and file reads would queue ahead of it and
  // keep the port closed until they were done (about 0.6 s of every start in bench:start).
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve(
      {
        // The socket's peer; behind a proxy KRISKANAL_TRUST_PROXY takes X-Forwarded-For instead.
        fetch: (req, env) => app.fetch(req, { deps, clientAddress: env.incoming.socket.remoteAddress }),
        port: config.port,
        hostname: config.host,
      },
      () => resolve(started),
    );
    started.once("error", reject);
  });
  lap("listen");
  if (sandbox) {
    // After listening: the public site does not need the demo's stand-in accounts, and on a
    // restart each is repointed at the sandbox's new port, a write apiece. Deliveries wait for
    // them because the dispatch loop starts below.
    const seeded = await ensureSandboxAccounts(deps, withDemoEditors(sandbox.accounts()));
    // First start only: the accounts were just registered, so the translated update reaches them,
    // and the demo's finished exercise is posted to the stand-ins.
    if (demoSeeded) await seedDemoSubscriber(deps, now());
    if (demoSeeded && seeded.registered) await seedDemoTranslatedUpdate(deps);
    if (demoSeeded) await seedDemoExercise(deps, now());
    // A repointed stand-in has not been checked at its new address; checking now, not in an
    // hour, keeps "behörigheten har aldrig kontrollerats" off the demo's start page.
    deps.defer(checkDueAccountRights(deps));
    log.info("demo sandbox platforms running", { url: sandbox.url, ...seeded });
    lap("sandbox accounts");
  }
  // Under KRISKANAL_PROCESSES only one worker runs background work (see cluster-node.ts).
  const background = !cluster.isWorker || env[BACKGROUND_ENV] === "1";
  if (background) {
    setInterval(() => {
      deps.defer(checkDueAccountRights(deps));
      deps.defer(remindStaleSnapshots(deps));
    }, RIGHTS_SCHEDULE_TICK_MS).unref();
    // WebSub retries and lease expiry; the first push of a change goes out right after it commits.
    const websubOwner = `node-websub:${crypto.randomUUID()}`;
    // Web push retries, and a fan-out a stopped process left undone, on the same beat.
    websubSweep = setInterval(() => {
      deps.defer(sendDueWebSubPushes(deps, websubOwner));
      deps.defer(sendDueWebPushes(deps, websubOwner));
    }, WEBSUB_SWEEP_MS);
    websubSweep.unref();
    // The shared inbox: each account is asked for new replies when its own next look is due.
    const inboxOwner = `node-inbox:${crypto.randomUUID()}`;
    // In the demo the stand-ins' public answers each new post, so the inbox has something in it.
    const demoPublic = sandbox ? createDemoPublic(sandbox) : null;
    inboxSweep = setInterval(() => {
      demoPublic?.();
      deps.defer(collectDueInboxes(deps));
      deps.defer(sendDueInboxAnswers(deps, inboxOwner));
    }, INBOX_SWEEP_MS);
    inboxSweep.unref();
    // Subscriber email and SMS: retries, what the rate limit held back, and erasure of stale sign-ups.
    const subscriberOwner = `node-subscribers:${crypto.randomUUID()}`;
    subscriberSweep = setInterval(() => {
      deps.defer(sendDueSubscriberMessages(deps, subscriberOwner));
      deps.defer(eraseStaleSubscribers(deps));
    }, SUBSCRIBER_SWEEP_MS);
    subscriberSweep.unref();
    loop = startDispatchLoop(deps, { intervalMs: config.dispatchIntervalMs, leaseMs: config.leaseMs });
    // A publish in this process leases what it can send at once to the loop and hands it over.
    deps.deliveryHandoff = loop.handoff;
  }
  log.debug("start-up phases (ms)", { ...phases, sinceProcessStart: Math.round(performance.now()) });
  log.info(`Kriskanal is listening on http://${config.host}:${config.port}`, {
    database: database.kind === "pglite" ? `PGlite in ${config.dataDir}` : "PostgreSQL",
    publicUrl: config.publicUrl,
  });
  if (printedToken) {
    console.log(`\nFirst start: your admin API token (shown once, stored hashed):\n\n  ${printedToken}\n`);
  }
  if (config.demo) {
    console.log(
      `Demo: sign in at ${config.publicUrl}/staff/login as ${DEMO_EMAIL} with the password ${DEMO_PASSWORD}` +
        ` (demo only; KRISKANAL_DEMO=0 turns the demo off). What the stand-in platforms received: ${config.publicUrl}/sandbox\n`,
    );
  }
  const stop = async () => {
    server.close();
    clearInterval(websubSweep);
    clearInterval(inboxSweep);
    clearInterval(subscriberSweep);
    mail?.close?.();
    // A publish still finishing leases nothing more to the stopping loop.
    deps.deliveryHandoff = undefined;
    await loop?.stop();
    await sandbox?.close();
    await database.close();
  };
  return { deps, app, stop };
}

/** How often the Node process looks for accounts whose inbox is due a look (and answers due a retry). */
const INBOX_SWEEP_MS = 15_000;
/** How often the Node process looks for WebSub pushes and web push notifications due for a retry. */
const WEBSUB_SWEEP_MS = 5_000;
/** How often it sends subscriber messages held back by a retry or the per-minute limit. */
const SUBSCRIBER_SWEEP_MS = 15_000;

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("src/node.ts");
if (isMain) await main();

async function main() {
  const { processes, note } = countProcesses(process.env);
  if (note) console.warn(note);
  if (processes > 1 && cluster.isPrimary) return runPrimary(processes);
  const { stop } = await startNode();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stop().finally(() => process.exit(0));
    });
  }
}
