// What the chaos bench counts, from what the hub says (deliveries) and what the stand-ins stored
// (posts). A post is matched to its update by the permalink it carries, which every platform
// keeps somewhere in the stored post (text, link card, facets or the original text).
import type { SandboxPost } from "../../src/sandbox/index";
import type { DeliveryView, PublishedUpdate } from "./chaos-client";

export interface BenchAccount {
  id: string;
  platform: string;
  /** The sandbox of its own that this account posts to. */
  sandbox: string;
  incidentId: string;
}

export interface PhaseRecord {
  accounts: BenchAccount[];
  updates: PublishedUpdate[];
  deliveries: DeliveryView[];
  /** Live posts per account id, as the stand-in stored them. */
  posts: Map<string, SandboxPost[]>;
  /** The bodies of the updates the bench meant to publish, each exactly once. */
  intendedBodies: string[];
}

export interface PhaseFigures {
  deliveries: number;
  delivered: number;
  /** Updates missing from an account they were meant for, with what the hub says about each. */
  lost: string[];
  /** Extra copies of one update on one account. */
  duplicates: number;
  brokenThreads: string[];
  /** On the platform, but the hub's record says otherwise (failed, pending, or another post). */
  misrecorded: string[];
  notTerminal: number;
  byStatus: Record<string, number>;
  publishToPostMs: number[];
  /** From the last publish until the last delivery became terminal; null when some never did. */
  lastPublishToTerminalMs: number | null;
  /** The delivery that became terminal last, and after how many attempts. */
  slowest: string | null;
  /**
   * Every delivery of that one's account in update order: when each became terminal (seconds
   * after the last publish) and after how many attempts, so a long tail shows what it waited on.
   */
  slowestAccount: string[];
  /** Updates the bench published more or fewer times than once (its own bookkeeping). */
  publishMismatch: number;
}

const TERMINAL = new Set(["published", "failed", "skipped", "cancelled"]);
/** Platforms whose later posts of an incident reply to its first post (README, "What each platform gets"). */
const THREADED = new Set(["x", "mastodon", "bluesky", "threads", "telegram"]);

export function isTerminal(delivery: DeliveryView): boolean {
  return TERMINAL.has(delivery.status);
}

export function computeFigures(record: PhaseRecord, publicUrl: string): PhaseFigures {
  const updateByUrl = new Map(record.updates.map((u) => [u.url, u]));
  const accountById = new Map(record.accounts.map((a) => [a.id, a]));
  const publishes = record.deliveries.filter((d) => d.kind === "publish");
  const figures: PhaseFigures = {
    deliveries: publishes.length,
    delivered: 0,
    lost: [],
    duplicates: 0,
    brokenThreads: [],
    misrecorded: [],
    notTerminal: publishes.filter((d) => !isTerminal(d)).length,
    byStatus: {},
    publishToPostMs: [],
    lastPublishToTerminalMs: null,
    slowest: null,
    slowestAccount: [],
    publishMismatch: countPublishMismatch(record),
  };
  // Posts per (account, update url), in the order the platform stored them.
  const postsOf = new Map<string, SandboxPost[]>();
  for (const [accountId, posts] of record.posts) {
    for (const post of posts) {
      for (const url of carriedUpdateUrls(post, publicUrl)) {
        if (!updateByUrl.has(url)) continue;
        const key = `${accountId} ${url}`;
        postsOf.set(key, [...(postsOf.get(key) ?? []), post]);
      }
    }
  }
  for (const d of publishes) {
    figures.byStatus[label(d)] = (figures.byStatus[label(d)] ?? 0) + 1;
    const update = record.updates.find((u) => u.id === d.updateId);
    const account = accountById.get(d.accountId);
    if (!update || !account) continue;
    const posts = postsOf.get(`${d.accountId} ${update.url}`) ?? [];
    const where = `${account.platform} ${account.sandbox}, update ${update.number}`;
    if (!posts.length) {
      const stuck = isTerminal(d) ? "" : " (never terminal while the bench waited)";
      figures.lost.push(`${where}: ${label(d)}${stuck} after ${d.attempts} attempts: ${d.message ?? ""}`.slice(0, 300));
      continue;
    }
    figures.delivered++;
    figures.duplicates += posts.length - 1;
    figures.publishToPostMs.push(Date.parse(posts[0].createdAt) - Date.parse(update.publishedAt));
    if (d.status !== "published" || !posts.some((p) => p.id === d.remoteId)) {
      figures.misrecorded.push(`${where}: ${label(d)}: ${d.message ?? ""}`.slice(0, 300));
    }
  }
  for (const account of record.accounts) {
    if (THREADED.has(account.platform)) figures.brokenThreads.push(...brokenThreadsOf(account, record, postsOf));
  }
  if (!figures.notTerminal && publishes.length) {
    const lastPublish = Math.max(...record.updates.map((u) => Date.parse(u.publishedAt)));
    const last = publishes.reduce((a, b) => (Date.parse(b.updatedAt) > Date.parse(a.updatedAt) ? b : a));
    figures.lastPublishToTerminalMs = Date.parse(last.updatedAt) - lastPublish;
    const account = accountById.get(last.accountId);
    const update = record.updates.find((u) => u.id === last.updateId);
    figures.slowest = `${account?.platform} ${account?.sandbox}, update ${update?.number}: ${label(last)} after ${last.attempts} attempts`;
    const numberOf = (d: DeliveryView) => record.updates.find((u) => u.id === d.updateId)?.number ?? 0;
    figures.slowestAccount = publishes
      .filter((d) => d.accountId === last.accountId)
      .sort((a, b) => numberOf(a) - numberOf(b))
      .map((d) => {
        const at = ((Date.parse(d.updatedAt) - lastPublish) / 1000).toFixed(1);
        return `update ${numberOf(d)}: ${label(d)} at ${at} s after ${d.attempts} attempts${d.message ? `: ${d.message}` : ""}`.slice(
          0,
          200,
        );
      });
  }
  return figures;
}

function countPublishMismatch(record: PhaseRecord): number {
  const committed = new Map<string, number>();
  for (const u of record.updates) committed.set(u.body, (committed.get(u.body) ?? 0) + 1);
  const intended = new Set(record.intendedBodies);
  const wrongCount = [...intended].filter((body) => committed.get(body) !== 1).length;
  const unintended = [...committed.keys()].filter((body) => !intended.has(body)).length;
  return wrongCount + unintended;
}

/**
 * The incident's first post on the account is the root; every later one must reply to it (a
 * Bluesky reply names its root; elsewhere the reply names the post it answers, the root).
 */
function brokenThreadsOf(account: BenchAccount, record: PhaseRecord, postsOf: Map<string, SandboxPost[]>): string[] {
  const ours = new Set(
    record.updates
      .filter((u) => u.incidentId === account.incidentId)
      .flatMap((u) => (postsOf.get(`${account.id} ${u.url}`) ?? []).map((p) => p.id)),
  );
  const thread = (record.posts.get(account.id) ?? []).filter((p) => ours.has(p.id));
  const [root, ...replies] = thread;
  const broken: string[] = [];
  for (const reply of replies) {
    const replyRoot = account.platform === "bluesky" ? (reply.data.rootUri as string | undefined) : reply.replyTo;
    if (replyRoot !== root.id) {
      broken.push(
        `${account.platform} ${account.sandbox}: post ${reply.id} has root ${replyRoot ?? "(none)"}, not ${root.id}`,
      );
    }
  }
  return broken;
}

/** Every update permalink a stored post carries, wherever the platform keeps it. */
function carriedUpdateUrls(post: SandboxPost, publicUrl: string): Set<string> {
  const pattern = new RegExp(`${escapeRegExp(publicUrl)}/incidents/[^/"\\s\\\\]+/updates/\\d+`, "g");
  return new Set(JSON.stringify({ text: post.text, data: post.data }).match(pattern) ?? []);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function label(d: DeliveryView): string {
  return d.failureClass && d.status !== "published" ? `${d.status} (${d.failureClass})` : d.status;
}

export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
}
