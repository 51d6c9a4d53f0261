// The recorder gathers outcomes that keep arriving into one batch (one transaction), and writes
// at once when every expected outcome is in. Windows are long here (200 ms) and the arrivals fall
// well inside them, so the test depends on the order of timers, not on the machine's speed.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Job } from "../../src/dispatcher/jobs";
import type { Outcome } from "../../src/dispatcher/outcome";
import { createRecorder } from "../../src/dispatcher/record";
import { startTestHub, type TestHub } from "../helpers/hub";

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const WINDOW_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An outcome for a delivery that does not exist: recording it writes nothing, which is enough here. */
function outcome(): Outcome {
  const job = { delivery: { id: crypto.randomUUID(), accountId: crypto.randomUUID() }, post: null } as unknown as Job;
  return { job, status: "published", failureClass: null, message: null, publicChange: false };
}

test("outcomes that keep arriving are written in one batch", async () => {
  let batches = 0;
  const recorder = createRecorder(hub.deps, "test-owner", () => batches++, WINDOW_MS);
  recorder.expect(3);
  const first = recorder.add(outcome());
  await sleep(WINDOW_MS / 2); // inside the first window
  void recorder.add(outcome());
  await sleep(WINDOW_MS + WINDOW_MS / 4); // inside the second window, which the second arrival opened
  await recorder.add(outcome()); // the last one expected: written at once
  await first;
  expect(batches).toBe(1);
});

test("a window without a new arrival ends the wait", async () => {
  let batches = 0;
  const recorder = createRecorder(hub.deps, "test-owner", () => batches++, WINDOW_MS);
  recorder.expect(2);
  await recorder.add(outcome()); // nothing else comes within the window: written alone
  expect(batches).toBe(1);
  await recorder.add(outcome());
  expect(batches).toBe(2);
});
