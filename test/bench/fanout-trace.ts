// A bench-only trace of one fan-out: every request the hub sends to a platform (wrapped around
// deps.fetch) and the dispatcher's debug events at its phase boundaries (claim, jobs loaded,
// recording), each stamped when it happened, summarised per run as milliseconds after publish.
import type { Deps } from "../../src/deps";

interface TraceEvent {
  at: number;
  what: string;
  count?: number;
}

export interface FanOutTrace {
  /** Starts a run's trace; `published` is called when the publish request answered. */
  begin(): { published(): void; summary(done: number): string };
}

export function traceFanOut(deps: Deps): FanOutTrace {
  let events: TraceEvent[] = [];
  const fetch = deps.fetch;
  deps.fetch = async (input, init) => {
    events.push({ at: performance.now(), what: "request out" });
    try {
      return await fetch(input, init);
    } finally {
      events.push({ at: performance.now(), what: "answer in" });
    }
  };
  deps.log = {
    ...deps.log,
    debug(message, data) {
      if (message.startsWith("dispatch: ")) {
        events.push({ at: performance.now(), what: message.slice(10), count: Number(data?.count ?? 0) });
      }
    },
  };
  return {
    begin() {
      events = [];
      const started = performance.now();
      let publishedAt = started;
      return {
        published: () => {
          publishedAt = performance.now();
        },
        summary: (done) => summarise(events, started, publishedAt, done),
      };
    },
  };
}

function summarise(events: TraceEvent[], started: number, publishedAt: number, done: number): string {
  const ms = (at: number | undefined) => (at === undefined ? "-" : `${(at - started).toFixed(0)}`);
  const of = (what: string) => events.filter((e) => e.what === what);
  const first = (what: string) => of(what)[0]?.at;
  const last = (what: string) => of(what).at(-1)?.at;
  // Each round: claim start -> claimed (n) -> jobs loaded, or handed over (n) -> jobs loaded; each record batch: recording (n) -> recorded.
  const rounds: string[] = [];
  let claimStart: number | undefined;
  let claimed: TraceEvent | undefined;
  let handedOver: TraceEvent | undefined;
  for (const e of events) {
    if (e.what === "claiming") claimStart = e.at;
    if (e.what === "claimed") claimed = e;
    if (e.what === "claimed" && !e.count) {
      // An empty claim loads nothing.
      claimStart = undefined;
      claimed = undefined;
    }
    if (e.what === "handed over") handedOver = e;
    if (e.what === "jobs loaded" && handedOver && claimStart === undefined) {
      rounds.push(`${handedOver.count} handed over@${ms(handedOver.at)} (load ${(e.at - handedOver.at).toFixed(0)})`);
      handedOver = undefined;
      continue;
    }
    if (e.what === "jobs loaded" && claimStart !== undefined && claimed) {
      rounds.push(
        `${claimed.count}@${ms(claimStart)} (claim ${(claimed.at - claimStart).toFixed(0)}, load ${(e.at - claimed.at).toFixed(0)})`,
      );
      claimStart = undefined;
      claimed = undefined;
    }
  }
  const batches: string[] = [];
  let recording: TraceEvent | undefined;
  for (const e of events) {
    if (e.what === "recording") recording = e;
    if (e.what === "recorded" && recording) {
      batches.push(`${recording.count}@${ms(recording.at)}+${(e.at - recording.at).toFixed(0)}`);
      recording = undefined;
    }
  }
  return [
    `  publish answered ${ms(publishedAt)} ms; claim rounds [n@start (ms)]: ${rounds.join(", ") || "-"}`,
    `  requests out ${ms(first("request out"))}..${ms(last("request out"))} ms (${of("request out").length}); ` +
      `answers in ${ms(first("answer in"))}..${ms(last("answer in"))} ms`,
    `  record batches [n@start+ms]: ${batches.join(", ") || "-"}; all delivered seen ${ms(done)} ms`,
  ].join("\n");
}
