// One attempt at one delivery: compose from the current text and call the adapter through the
// gateway (which opens the credential). Returns an Outcome; never throws and never touches the database.
import type { Deps } from "../deps";
import { callAdapter, EXERCISE_ACCOUNT_REQUIRED_MESSAGE } from "../domain/accounts/gateway";
import { rightsBlock } from "../domain/accounts/rights";
import type { Delivery } from "../domain/publishing/deliveries";
import { SWEDISH } from "../domain/publishing/languages";
import type { Settlement } from "../domain/publishing/settlement";
import type {
  AdapterContext,
  Composed,
  FailureResult,
  Platform,
  PlatformAdapter,
  PostContent,
  PublishResult,
} from "../platforms/types";
import { sandboxPostUrl } from "../sandbox/post-url";
import { ALL_CLAIMS_FACTOR, MAX_ATTEMPTS, retryDelayMs } from "./backoff";
import { composeFor, contentFor, correctionContent, farewellContent } from "./compose";
import type { Job, UpdatePost } from "./jobs";
import { chooseText, type PostText } from "./language";
import { finished, type Outcome } from "./outcome";
import {
  LOOKUP_ATTEMPTS,
  recordNoLookup,
  SECOND_LOOK_MS,
  type Settled,
  settleEarlierAttempt,
  settleWithoutLookup,
} from "./settle";

export interface RunOptions {
  /** Per request; a timeout after the request left is "unconfirmed", never "retry". */
  sendTimeoutMs?: number;
  maxAttempts?: number;
  /** Jitter source; tests pin it. */
  random?: () => number;
  /** How long a new post waits for a thread root in doubt before it starts a new thread. */
  threadRootWaitMs?: number;
}

/**
 * A later update waits this long for its incident's first post, when that post stopped for a
 * person because it may have landed: replying to it keeps the thread whole, but crisis news must
 * not wait for long. After this it goes out as a new thread, with a note.
 */
export const THREAD_ROOT_WAIT_MS = 5 * 60_000;
/** How often a waiting post looks whether its root has been settled (a claim, no platform call). */
export const THREAD_ROOT_POLL_MS = 20_000;

type RunDeps = Pick<Deps, "platforms" | "secretKey" | "fetch" | "now" | "config" | "log">;

/**
 * Platforms where sending again cannot post twice: Mastodon honours the Idempotency-Key; on
 * Bluesky the hub chooses the record key, and the repository refuses a key it already holds.
 */
const IDEMPOTENT_PUBLISH: ReadonlySet<Platform> = new Set(["mastodon", "bluesky"]);
/** Platforms whose "edit" is a new post replacing the old one, so repeating it is not harmless. */
const EDIT_IS_NEW_POST: ReadonlySet<Platform> = new Set(["x"]);
/** Platforms whose API ignores replies: a correction cannot be attached to the post. */
const REPLIES_IGNORED: ReadonlySet<Platform> = new Set(["instagram"]);

export async function runJob(deps: RunDeps, job: Job, options: RunOptions = {}): Promise<Outcome> {
  try {
    return linkDemoPost(deps, job, await attempt(deps, job, options));
  } catch (error) {
    deps.log.error("delivery attempt crashed", { deliveryId: job.delivery.id, error: String(error) });
    // A doubt about an earlier attempt is not settled by a crash: the next attempt must still look.
    const cls = job.maybeSent ? "unconfirmed" : "retry";
    return failureOutcome(deps, job, options, { ok: false, class: cls, message: `Internt fel: ${String(error)}` });
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
  if (post?.incident.exercise && !account.exercise) {
    // The domain never queues this (targets.ts, deliveries.ts); should a row slip through anyway,
    // an exercise still never reaches an account that is not an exercise account.
    deps.log.error("exercise delivery to a non-exercise account refused", { deliveryId: delivery.id });
    return finished(job, "skipped", EXERCISE_ACCOUNT_REQUIRED_MESSAGE, { failureClass: "invalid" });
  }
  if (account.status !== "active" && (delivery.kind === "publish" || delivery.kind === "edit")) {
    return finished(job, "skipped", "Kontot är stängt.");
  }
  if (delivery.kind === "farewell" && !delivery.sentText?.trim()) {
    return finished(job, "failed", "Avskedsinlägget saknar text.", { failureClass: "invalid" });
  }
  const choice = post ? chooseText(job, post, deps.now()) : null;
  if (choice?.kind === "hold") return holdForTranslation(job, choice.until, choice.message);
  const text = choice?.text;
  const outcome = await callAndSend(deps, job, options, text);
  return text ? { ...outcome, language: text.language } : outcome;
}

/** Waiting for the account's translation is no attempt: nothing was sent, and nothing is in doubt. */
function holdForTranslation(job: Job, until: Date, message: string): Outcome {
  return {
    job,
    status: "pending",
    failureClass: null,
    message,
    nextAttemptAt: until,
    publicChange: false,
    notAnAttempt: true,
  };
}

async function callAndSend(deps: RunDeps, job: Job, options: RunOptions, text?: PostText): Promise<Outcome> {
  const { delivery, account, post } = job;
  const called = await callAdapter(
    deps,
    account,
    async (adapter, ctx) => {
      // After the credential is known to open, so a missing or unreadable one is named first.
      const blocked = rightsBlock(account);
      if (blocked) return withoutJob(finished(job, "failed", blocked.message, { failureClass: blocked.class }));
      return withoutJob(await send(deps, job, options, adapter, ctx, text));
    },
    { timeoutMs: options.sendTimeoutMs, exercise: Boolean(post?.incident.exercise) },
  );
  if (called.ok) return { ...called.value, job };
  // The adapter crashed mid-call, perhaps after its request left: the next attempt settles that
  // first (a retraction just tries again: deleting twice cannot post anything). No credential, or
  // one that cannot be opened: stop.
  if (called.class === "retry") {
    const doubt = delivery.kind === "retract" ? "retry" : "unconfirmed";
    return failureOutcome(deps, job, options, { ...called, class: doubt });
  }
  return finished(job, "failed", called.message, { failureClass: called.class });
}

/**
 * The gateway hides the credential in every string a call gives back. The job is the hub's own
 * data, loaded before the credential was opened (the update, its translations, the account), so
 * only what the attempt produced goes through it: walking the whole job cost more per request
 * than composing the post (bench:fanout's profile).
 */
function withoutJob({ job: _job, ...produced }: Outcome): Omit<Outcome, "job"> {
  return produced;
}

function send(
  deps: RunDeps,
  job: Job,
  options: RunOptions,
  adapter: PlatformAdapter,
  ctx: AdapterContext,
  text?: PostText,
) {
  const { delivery, post } = job;
  const publicUrl = deps.config.publicUrl;
  if (!post) return sendPost(deps, job, options, adapter, ctx, farewellContent(delivery.sentText ?? "", publicUrl));
  const content = contentFor(post.update, post.incident, adapter.platform, publicUrl, post.imageFile, text);
  if (delivery.kind === "edit") return runEdit(deps, job, post, options, adapter, ctx, content, text);
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
  const waiting = waitForThreadRoot(deps, job, options, replyTo);
  if (waiting) return waiting;
  let settlement: Settlement | undefined;
  if (job.maybeSent) {
    // Never post twice: look for the earlier attempt before anything is sent again.
    const settled = await settleEarlierAttempt({
      job,
      adapter,
      ctx,
      link: content.link,
      since: job.delivery.createdAt,
      now: deps.now(),
      resendSafe: IDEMPOTENT_PUBLISH.has(adapter.platform),
      random: options.random,
    });
    if (settled.kind === "found") {
      return finished(job, "published", "Inlägget fanns redan på plattformen och skickades inte igen.", {
        remoteId: settled.remoteId,
        remoteUrl: settled.remoteUrl,
        sentText: composed.text,
        publicChange: true,
        settlement: settled.settlement,
      });
    }
    if (settled.kind !== "send") return notSettled(job, adapter, composed.text, settled);
    settlement = settled.settlement;
  }
  const result = await adapter.publish(ctx, {
    composed,
    idempotencyKey: job.delivery.idempotencyKey,
    enqueuedAt: job.delivery.createdAt,
    replyTo,
  });
  const canSettle = IDEMPOTENT_PUBLISH.has(adapter.platform) || Boolean(adapter.findByLink);
  const outcome = fromResult(deps, job, options, result, composed.text, { canSettle, settlement });
  if (outcome.status === "published" && job.rootUnsettled && !replyTo && job.delivery.kind === "publish") {
    outcome.message = `Skickades som en ny tråd: det är fortfarande oklart om händelsens första inlägg på kontot kom fram, och uppdateringen kunde inte vänta längre.`;
  }
  return outcome;
}

/**
 * A new post of an incident whose first post on the account is in doubt waits for it (a person,
 * or a later lookup, may yet find it) rather than start a second thread, but not for long.
 */
function waitForThreadRoot(deps: RunDeps, job: Job, options: RunOptions, replyTo?: string): Outcome | null {
  if (replyTo || !job.rootUnsettled || job.delivery.kind !== "publish") return null;
  const now = deps.now().getTime();
  const deadline = job.rootUnsettled.since.getTime() + (options.threadRootWaitMs ?? THREAD_ROOT_WAIT_MS);
  if (now >= deadline) return null;
  return {
    job,
    status: "pending",
    // A doubt about this delivery's own earlier attempt is kept for when it goes out.
    failureClass: job.maybeSent ? "unconfirmed" : null,
    message:
      "Väntar på att händelsens första inlägg på kontot avgörs (det är oklart om det kom fram), så att uppdateringen kan svara i samma tråd.",
    nextAttemptAt: new Date(Math.min(deadline, now + THREAD_ROOT_POLL_MS)),
    publicChange: false,
    notAnAttempt: true,
  };
}

async function runEdit(
  deps: RunDeps,
  job: Job,
  post: UpdatePost,
  options: RunOptions,
  adapter: PlatformAdapter,
  ctx: AdapterContext,
  content: PostContent,
  text?: PostText,
): Promise<Outcome> {
  const original = job.history.find((d) => d.kind === "publish");
  const live = livePosts(job).at(-1);
  if (!original?.remoteId || original.status !== "published" || !live?.remoteId) {
    return finished(job, "cancelled", "Inlägget publicerades aldrig här, så det finns inget att rätta.");
  }
  const language = text?.language ?? SWEDISH;
  const liveLanguage = live.language;
  // The post now reads in another language than this correction (a translation reached it after
  // the correction was queued): correcting it would put the wrong language back.
  if (language !== liveLanguage && language !== job.account.language) {
    return finished(job, "cancelled", "Inlägget visar nu en översättning; rättelsen gäller en annan språkversion.");
  }
  // A translation reaching a post that went out in Swedish: an edit where the platform edits,
  // otherwise a reply carrying the translation (not a correction: nothing was wrong).
  const arrival = language !== liveLanguage;
  const edited = await composeFor(adapter, content, ctx);
  // The publish (or an earlier edit) already carried the current text: nothing left to correct.
  if (live.sentText === edited.text) return finished(job, "cancelled", "Redan publicerad med den aktuella texten.");
  if (adapter.edit) {
    const refused = refuseComposed(job, edited);
    if (refused) return refused;
    const repeatable = !EDIT_IS_NEW_POST.has(adapter.platform);
    const noLookup = `en ändring på ${adapter.platform} blir ett nytt inlägg med samma länk, och sökningen kan inte skilja det från originalet`;
    let settlement: Settlement | undefined;
    if (job.maybeSent && !repeatable) {
      const settled = settleWithoutLookup(job, adapter.platform, deps.now(), noLookup);
      if (settled.kind !== "send") return notSettled(job, adapter, edited.text, settled);
      settlement = settled.settlement;
    }
    const result = await adapter.edit(ctx, live.remoteId, edited);
    return fromResult(deps, job, options, result, edited.text, { canSettle: repeatable, settlement, noLookup });
  }
  if (REPLIES_IGNORED.has(adapter.platform)) {
    return finished(
      job,
      "skipped",
      `${adapter.platform} kan varken redigera inlägg eller ta emot svar; rätta inlägget för hand: ${original.remoteUrl ?? original.remoteId}`,
    );
  }
  // No edit on this platform (Bluesky, Threads): the correction goes out as a reply to the post.
  const corrected = {
    number: post.update.number,
    body: text?.body ?? post.update.body,
    editReason: text?.editReason ?? null,
  };
  const reply = await composeFor(
    adapter,
    arrival ? content : correctionContent(content, corrected, post.incident.exercise),
    ctx,
  );
  if (live.sentText === reply.text) return finished(job, "cancelled", "Rättelsen är redan publicerad.");
  const refused = refuseComposed(job, reply);
  if (refused) return refused;
  // A reply carries the same permalink as the post, so findByLink cannot tell them apart.
  const noLookup = "en rättelse bär samma länk som inlägget, och sökningen kan inte skilja dem åt";
  const resendSafe = IDEMPOTENT_PUBLISH.has(adapter.platform);
  let settlement: Settlement | undefined;
  if (job.maybeSent) {
    const settled = settleWithoutLookup(job, adapter.platform, deps.now(), noLookup, resendSafe);
    if (settled.kind !== "send") return notSettled(job, adapter, reply.text, settled);
    settlement = settled.settlement;
  }
  const result = await adapter.publish(ctx, {
    composed: reply,
    idempotencyKey: job.delivery.idempotencyKey,
    enqueuedAt: job.delivery.createdAt,
    replyTo: original.remoteId,
  });
  return fromResult(deps, job, options, result, reply.text, { canSettle: resendSafe, settlement, noLookup });
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
  let copies = (adapter.edit ? posts.slice(-1) : posts).map((d) => ({ remoteId: d.remoteId, remoteUrl: d.remoteUrl }));
  const uncertain = job.history.some(
    (d) => d.kind === "publish" && d.status !== "published" && d.failureClass === "unconfirmed",
  );
  let settlement: Settlement | undefined;
  if (!copies.length && uncertain) {
    const settled = await settleEarlierAttempt({
      job,
      adapter,
      ctx,
      link,
      since: job.history.find((d) => d.kind === "publish")?.createdAt ?? job.delivery.createdAt,
      now: deps.now(),
      resendSafe: false,
      random: options.random,
    });
    if (settled.kind === "wait") return lookupLater(job, adapter, settled);
    if (settled.kind === "ask") {
      const notFound = settled.why === "absent" ? ", och den gick inte att hitta där" : "";
      const unasked =
        settled.why === "unknown" ? ` (plattformen gick inte att fråga efter ${LOOKUP_ATTEMPTS} försök)` : "";
      return finished(
        job,
        "skipped",
        `Oklart om ${adapter.platform} tog emot uppdateringen${notFound}${unasked}. Kontrollera kanalen och ta bort inlägget för hand om det finns.`,
        { failureClass: "unconfirmed", settlement: settled.settlement },
      );
    }
    settlement = settled.settlement;
    if (settled.kind === "found") copies = [{ remoteId: settled.remoteId, remoteUrl: settled.remoteUrl }];
  }
  if (!copies.length)
    return finished(job, "skipped", "Uppdateringen publicerades aldrig här; det finns inget att ta bort.", {
      settlement,
    });
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
      return fromResult(deps, job, options, result, undefined, { canSettle: true, settlement });
    }
  }
  return finished(job, "published", "Inlägget är borttaget från plattformen.", { ...first, settlement });
}

/** The platform could not be asked whether the earlier attempt landed: ask again later, nothing is sent. */
function lookupLater(
  job: Job,
  adapter: PlatformAdapter,
  settled: Extract<Settled, { kind: "wait" }>,
  sentText?: string,
): Outcome {
  return {
    job,
    status: "pending",
    failureClass: "unconfirmed",
    message:
      settled.why === "second_look"
        ? `Oklart om ${adapter.platform} tog emot inlägget. Det fanns inte bland kontots inlägg sedan uppdateringen gjordes; tittar en gång till om ${SECOND_LOOK_MS / 1000} s innan det skickas igen.`
        : `Oklart om ${adapter.platform} tog emot inlägget, och plattformen gick inte att fråga (${settled.reason}). Frågar igen (${settled.tries} av ${LOOKUP_ATTEMPTS}); inget skickas förrän det är avgjort.`,
    sentText,
    nextAttemptAt: settled.at,
    publicChange: false,
    settlement: settled.settlement,
  };
}

function notSettled(
  job: Job,
  adapter: PlatformAdapter,
  sentText: string,
  settled: Exclude<Settled, { kind: "found" | "send" }>,
): Outcome {
  if (settled.kind === "wait") return lookupLater(job, adapter, settled, sentText);
  return unsettled(job, adapter, sentText, settled.settlement, settled.why);
}

/** Published copies of this update on this account, oldest first (the post, then edits or correction replies). */
function livePosts(job: Job) {
  return job.history.filter(
    (d): d is Delivery & { remoteId: string } =>
      (d.kind === "publish" || d.kind === "edit") && d.status === "published" && Boolean(d.remoteId),
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

const UNSETTLED_WHY: Record<"absent" | "unknown" | "no_lookup", (platform: string) => string> = {
  absent: (p) => `Det fanns inte bland de senaste inläggen på ${p}, men det bevisar inte att det saknas.`,
  unknown: (p) => `${p} gick inte att fråga efter ${LOOKUP_ATTEMPTS} försök.`,
  no_lookup: (p) =>
    `${p} går inte att söka i, så Kriskanal skickar bara om av sig själv när ett försök bevisligen inte nådde fram (anslutningen nekades).`,
};

/** The hub cannot find out on its own whether the earlier attempt landed: a person has to look. */
function unsettled(
  job: Job,
  adapter: PlatformAdapter,
  sentText: string,
  settlement: Settlement,
  why: keyof typeof UNSETTLED_WHY,
): Outcome {
  return finished(
    job,
    "failed",
    `Oklart om ${adapter.platform} tog emot inlägget. ${UNSETTLED_WHY[why](adapter.platform)} Kontrollera kanalen och begär ett nytt försök för hand om inlägget saknas.`,
    { failureClass: "unconfirmed", sentText, settlement },
  );
}

function fromResult(
  deps: RunDeps,
  job: Job,
  options: RunOptions,
  result: PublishResult,
  sentText: string | undefined,
  { canSettle, settlement, noLookup }: { canSettle: boolean; settlement?: Settlement; noLookup?: string },
): Outcome {
  if (result.ok) {
    return finished(job, "published", null, {
      remoteId: result.remoteId,
      remoteUrl: result.remoteUrl,
      sentText,
      publicChange: job.delivery.kind === "publish" || job.delivery.kind === "edit",
      settlement,
    });
  }
  const adapter = deps.platforms[job.account.platform];
  if (result.class === "unconfirmed" && !canSettle) {
    const detail = `${result.message}; ${noLookup ?? `${adapter.platform} har inget sätt att söka bland inläggen`}`;
    const recorded = recordNoLookup(settlement ?? job.delivery.settlement, adapter.platform, deps.now(), detail);
    return unsettled(job, adapter, sentText ?? "", recorded, "no_lookup");
  }
  return { ...failureOutcome(deps, job, options, result, sentText), ...(settlement ? { settlement } : {}) };
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
  // The platform's word on when to come back sets the wait on its own; only failures without it
  // step the backoff up, so a rate limit or a crash in between does not stretch the next wait.
  const platformWait = failure.retryAfterSeconds !== undefined;
  const backoffFailures = (job.delivery.backoffFailures ?? 0) + (platformWait ? 0 : 1);
  if (!transient || backoffFailures >= maxAttempts || attempts >= maxAttempts * ALL_CLAIMS_FACTOR) {
    const gaveUp = transient ? ` (gav upp efter ${attempts} försök)` : "";
    const outcome = finished(job, "failed", failure.message + gaveUp, { failureClass: failure.class, sentText });
    if (transient) outcome.backoffFailures = backoffFailures;
    if (failure.class === "auth" || failure.class === "rights") {
      outcome.rightsFailure = { class: failure.class, detail: failure.message };
    }
    return outcome;
  }
  const delay = retryDelayMs(backoffFailures, failure.retryAfterSeconds, options.random);
  return {
    job,
    status: "pending",
    failureClass: failure.class,
    message: failure.message,
    sentText,
    nextAttemptAt: new Date(deps.now().getTime() + delay),
    backoffFailures,
    publicChange: false,
  };
}
