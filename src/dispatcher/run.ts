// One attempt at one delivery: compose from the current text and call the adapter through the
// gateway (which opens the credential). Returns an Outcome; never throws and never touches the database.
import type { Deps } from "../deps";
import { callAdapter } from "../domain/accounts/gateway";
import { rightsBlock } from "../domain/accounts/rights";
import type {
  AdapterContext,
  Composed,
  FailureResult,
  LookupResult,
  Platform,
  PlatformAdapter,
  PostContent,
  PublishResult,
} from "../platforms/types";
import { sandboxPostUrl } from "../sandbox/post-url";
import { MAX_ATTEMPTS, retryDelayMs } from "./backoff";
import { composeFor, contentFor, correctionContent, farewellContent } from "./compose";
import type { Job, UpdatePost } from "./jobs";
import { finished, type Outcome } from "./outcome";

export interface RunOptions {
  /** Per request; a timeout after the request left is "unconfirmed", never "retry". */
  sendTimeoutMs?: number;
  maxAttempts?: number;
  /** Jitter source; tests pin it. */
  random?: () => number;
}

type RunDeps = Pick<Deps, "platforms" | "secretKey" | "fetch" | "now" | "config" | "log">;

/** Platforms that honour an idempotency key: sending again with the same key cannot post twice. */
const IDEMPOTENT_PUBLISH: ReadonlySet<Platform> = new Set(["mastodon"]);
/** Platforms whose "edit" is a new post replacing the old one, so repeating it is not harmless. */
const EDIT_IS_NEW_POST: ReadonlySet<Platform> = new Set(["x"]);
/** Platforms whose API ignores replies: a correction cannot be attached to the post. */
const REPLIES_IGNORED: ReadonlySet<Platform> = new Set(["instagram"]);

export async function runJob(deps: RunDeps, job: Job, options: RunOptions = {}): Promise<Outcome> {
  try {
    return linkDemoPost(deps, job, await attempt(deps, job, options));
  } catch (error) {
    deps.log.error("delivery attempt crashed", { deliveryId: job.delivery.id, error: String(error) });
    return failureOutcome(deps, job, options, { ok: false, class: "retry", message: `Internt fel: ${String(error)}` });
  }
}

/** In the demo a sandbox account's post links to the hub's page for it (see sandbox/post-url.ts). */
function linkDemoPost(deps: RunDeps, job: Job, outcome: Outcome): Outcome {
  if (!deps.config.demo || !job.account.sandbox || !outcome.remoteId) return outcome;
  return { ...outcome, remoteUrl: sandboxPostUrl(deps.config.publicUrl, job.account.platform, outcome.remoteId) };
}

async function attempt(deps: RunDeps, job: Job, options: RunOptions): Promise<Outcome> {
  const { delivery, account, post } = job;
  if (!deps.platforms[account.platform])
    return finished(job, "failed", `Okänd plattform: ${account.platform}`, { failureClass: "invalid" });
  if (delivery.kind !== "farewell" && !post) {
    return finished(job, "failed", "Leveransen saknar uppdatering.", { failureClass: "invalid" });
  }
  if (post?.update.withdrawnAt && delivery.kind !== "retract") {
    // A crashed attempt may have posted it: the retraction that follows must look for it.
    return finished(job, "cancelled", "Uppdateringen drogs tillbaka innan den skickades.", {
      failureClass: job.maybeSent ? "unconfirmed" : null,
    });
  }
  if (account.status !== "active" && (delivery.kind === "publish" || delivery.kind === "edit")) {
    return finished(job, "skipped", "Kontot är stängt.");
  }
  if (delivery.kind === "farewell" && !delivery.sentText?.trim()) {
    return finished(job, "failed", "Avskedsinlägget saknar text.", { failureClass: "invalid" });
  }
  const called = await callAdapter(
    deps,
    account,
    async (adapter, ctx) => {
      // After the credential is known to open, so a missing or unreadable one is named first.
      const blocked = rightsBlock(account);
      if (blocked) return finished(job, "failed", blocked.message, { failureClass: blocked.class });
      return send(deps, job, options, adapter, ctx);
    },
    { timeoutMs: options.sendTimeoutMs },
  );
  if (called.ok) return called.value;
  // The call itself crashed: worth another try. No credential, or one that cannot be opened: stop.
  if (called.class === "retry") return failureOutcome(deps, job, options, called);
  return finished(job, "failed", called.message, { failureClass: called.class });
}

function send(deps: RunDeps, job: Job, options: RunOptions, adapter: PlatformAdapter, ctx: AdapterContext) {
  const { delivery, post } = job;
  const publicUrl = deps.config.publicUrl;
  if (!post) return sendPost(deps, job, options, adapter, ctx, farewellContent(delivery.sentText ?? "", publicUrl));
  const content = contentFor(post.update, post.incident, adapter.platform, publicUrl);
  if (delivery.kind === "edit") return runEdit(deps, job, post, options, adapter, ctx, content);
  if (delivery.kind === "retract") return runRetract(deps, job, options, adapter, ctx, content.link);
  return sendPost(deps, job, options, adapter, ctx, content, job.threadRoot);
}

/** A new post (an update, or a farewell). An earlier attempt that may have landed is settled first. */
async function sendPost(
  deps: RunDeps,
  job: Job,
  options: RunOptions,
  adapter: PlatformAdapter,
  ctx: AdapterContext,
  content: PostContent,
  replyTo?: string,
): Promise<Outcome> {
  const composed = await composeFor(adapter, content, ctx);
  const refused = refuseComposed(job, composed);
  if (refused) return refused;
  if (job.maybeSent) {
    // Never post twice: look for the earlier attempt before anything is sent again.
    const lookup = await lookUpPost(adapter, ctx, content.link);
    if (lookup.state === "found") {
      return finished(job, "published", "Inlägget fanns redan på plattformen och skickades inte igen.", {
        remoteId: lookup.remoteId,
        remoteUrl: lookup.remoteUrl,
        sentText: composed.text,
        publicChange: true,
      });
    }
    // A lookup sees only the latest posts, so "absent" proves nothing either: only a key makes a resend safe.
    if (!IDEMPOTENT_PUBLISH.has(adapter.platform)) {
      const outcome = unsettled(job, adapter, composed.text);
      return lookup.state === "unknown" ? whenLookupUnknown(outcome, lookup.reason) : outcome;
    }
  }
  const result = await adapter.publish(ctx, { composed, idempotencyKey: job.delivery.idempotencyKey, replyTo });
  const canSettle = IDEMPOTENT_PUBLISH.has(adapter.platform) || Boolean(adapter.findByLink);
  return fromResult(deps, job, options, result, composed.text, { canSettle });
}

async function runEdit(
  deps: RunDeps,
  job: Job,
  post: UpdatePost,
  options: RunOptions,
  adapter: PlatformAdapter,
  ctx: AdapterContext,
  content: PostContent,
): Promise<Outcome> {
  const original = job.history.find((d) => d.kind === "publish");
  const live = livePosts(job).at(-1);
  if (!original?.remoteId || original.status !== "published" || !live?.remoteId) {
    return finished(job, "cancelled", "Inlägget publicerades aldrig här, så det finns inget att rätta.");
  }
  const edited = await composeFor(adapter, content, ctx);
  // The publish (or an earlier edit) already carried the current text: nothing left to correct.
  if (live.sentText === edited.text) return finished(job, "cancelled", "Redan publicerad med den aktuella texten.");
  if (adapter.edit) {
    const refused = refuseComposed(job, edited);
    if (refused) return refused;
    const repeatable = !EDIT_IS_NEW_POST.has(adapter.platform);
    if (job.maybeSent && !repeatable) return unsettled(job, adapter, edited.text);
    const result = await adapter.edit(ctx, live.remoteId, edited);
    return fromResult(deps, job, options, result, edited.text, { canSettle: repeatable });
  }
  if (REPLIES_IGNORED.has(adapter.platform)) {
    return finished(
      job,
      "skipped",
      `${adapter.platform} kan varken redigera inlägg eller ta emot svar; rätta inlägget för hand: ${original.remoteUrl ?? original.remoteId}`,
    );
  }
  // No edit on this platform (Bluesky, Threads): the correction goes out as a reply to the post.
  const reply = await composeFor(adapter, correctionContent(content, post.update), ctx);
  if (live.sentText === reply.text) return finished(job, "cancelled", "Rättelsen är redan publicerad.");
  const refused = refuseComposed(job, reply);
  if (refused) return refused;
  // A reply carries the same permalink as the post, so findByLink cannot tell them apart.
  if (job.maybeSent) return unsettled(job, adapter, reply.text);
  const result = await adapter.publish(ctx, {
    composed: reply,
    idempotencyKey: job.delivery.idempotencyKey,
    replyTo: original.remoteId,
  });
  return fromResult(deps, job, options, result, reply.text, { canSettle: false });
}

async function runRetract(
  deps: RunDeps,
  job: Job,
  options: RunOptions,
  adapter: PlatformAdapter,
  ctx: AdapterContext,
  link: string,
): Promise<Outcome> {
  const posts = livePosts(job);
  // Where edits replace the post (X gives it a new id) the newest id is the post; elsewhere the
  // edits were correction replies, and they go too.
  let copies = (adapter.edit ? posts.slice(-1) : posts).map((d) => ({ remoteId: d.remoteId!, remoteUrl: d.remoteUrl }));
  const uncertain = job.history.some(
    (d) => d.kind === "publish" && d.status !== "published" && d.failureClass === "unconfirmed",
  );
  if (!copies.length && uncertain) {
    const lookup = await lookUpPost(adapter, ctx, link);
    if (lookup.state === "unknown") {
      const outcome = finished(
        job,
        "skipped",
        `Oklart om ${adapter.platform} tog emot uppdateringen. Kontrollera kanalen och ta bort inlägget för hand om det finns.`,
        { failureClass: "unconfirmed" },
      );
      return whenLookupUnknown(outcome, lookup.reason);
    }
    if (lookup.state === "absent") {
      return finished(
        job,
        "skipped",
        `Oklart om ${adapter.platform} tog emot uppdateringen, och den gick inte att hitta där. Kontrollera kanalen och ta bort inlägget för hand om det finns.`,
        { failureClass: "unconfirmed" },
      );
    }
    copies = [{ remoteId: lookup.remoteId, remoteUrl: lookup.remoteUrl }];
  }
  if (!copies.length)
    return finished(job, "skipped", "Uppdateringen publicerades aldrig här; det finns inget att ta bort.");
  const first = { remoteId: copies[0].remoteId, remoteUrl: copies[0].remoteUrl ?? undefined };
  if (!adapter.retract) {
    const urls = copies.map((c) => c.remoteUrl ?? c.remoteId).join(", ");
    return finished(
      job,
      "skipped",
      `${adapter.platform} låter oss inte ta bort inlägg; ta bort för hand: ${urls}`,
      first,
    );
  }
  // Replies first, the post last, so a retry after a partial failure still finds the post.
  for (const copy of [...copies].reverse()) {
    const result = await adapter.retract(ctx, copy.remoteId);
    // Gone already: the earlier, unanswered attempt did delete it.
    if (!result.ok && !(job.maybeSent && result.class === "invalid")) {
      return fromResult(deps, job, options, result, undefined, { canSettle: true });
    }
  }
  return finished(job, "published", "Inlägget är borttaget från plattformen.", first);
}

/** Platforms without a lookup (Telegram) cannot be asked at all. */
function lookUpPost(adapter: PlatformAdapter, ctx: AdapterContext, link: string): Promise<LookupResult> {
  if (!adapter.findByLink) {
    return Promise.resolve({ state: "unknown", reason: `${adapter.platform} har inget sätt att söka bland inläggen` });
  }
  return adapter.findByLink(ctx, link);
}

/**
 * A lookup that could not ask the platform ends the attempt as "absent" would, saying why, so a
 * person checks by hand. This is the seam where issue 13 will retry the lookup with backoff.
 */
function whenLookupUnknown(outcome: Outcome, reason: string): Outcome {
  return { ...outcome, message: `${outcome.message} (Plattformen gick inte att fråga: ${reason})` };
}

/** Published copies of this update on this account, oldest first (the post, then edits or correction replies). */
function livePosts(job: Job) {
  return job.history.filter(
    (d) => (d.kind === "publish" || d.kind === "edit") && d.status === "published" && d.remoteId,
  );
}

function refuseComposed(job: Job, composed: Composed): Outcome | null {
  if (composed.skipReason) return finished(job, "skipped", composed.skipReason, { sentText: composed.text });
  if (!composed.fits) {
    return finished(job, "failed", `Texten ryms inte (${composed.length} av ${composed.limit} tecken).`, {
      failureClass: "invalid",
      sentText: composed.text,
    });
  }
  return null;
}

/** The hub cannot find out on its own whether the earlier attempt landed: a person has to look. */
function unsettled(job: Job, adapter: PlatformAdapter, sentText: string): Outcome {
  return finished(
    job,
    "failed",
    `Oklart om ${adapter.platform} tog emot inlägget. Kontrollera kanalen och begär ett nytt försök för hand om inlägget saknas.`,
    { failureClass: "unconfirmed", sentText },
  );
}

function fromResult(
  deps: RunDeps,
  job: Job,
  options: RunOptions,
  result: PublishResult,
  sentText: string | undefined,
  { canSettle }: { canSettle: boolean },
): Outcome {
  if (result.ok) {
    return finished(job, "published", null, {
      remoteId: result.remoteId,
      remoteUrl: result.remoteUrl,
      sentText,
      publicChange: job.delivery.kind === "publish" || job.delivery.kind === "edit",
    });
  }
  if (result.class === "unconfirmed" && !canSettle) {
    const adapter = deps.platforms[job.account.platform];
    return unsettled(job, adapter, sentText ?? "");
  }
  return failureOutcome(deps, job, options, result, sentText);
}

function failureOutcome(
  deps: RunDeps,
  job: Job,
  options: RunOptions,
  failure: FailureResult,
  sentText?: string,
): Outcome {
  const attempts = job.delivery.attempts;
  const transient = failure.class === "retry" || failure.class === "unconfirmed";
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  if (!transient || attempts >= maxAttempts) {
    const gaveUp = transient ? ` (gav upp efter ${attempts} försök)` : "";
    const outcome = finished(job, "failed", failure.message + gaveUp, { failureClass: failure.class, sentText });
    if (failure.class === "auth" || failure.class === "rights") {
      outcome.rightsFailure = { class: failure.class, detail: failure.message };
    }
    return outcome;
  }
  const delay = retryDelayMs(attempts, failure.retryAfterSeconds, options.random);
  return {
    job,
    status: "pending",
    failureClass: failure.class,
    message: failure.message,
    sentText,
    nextAttemptAt: new Date(deps.now().getTime() + delay),
    publicChange: false,
  };
}
