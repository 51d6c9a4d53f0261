// The Node loop: woken by a publish (signalDeliveries), it sends without waiting for the interval,
// follows an account's queue one delivery after another, and stops cleanly.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type DispatchLoop, startDispatchLoop } from "../../src/dispatcher/loop";
import { type FanoutHub, startFanoutHub } from "./fanout-hub";

let hub: FanoutHub;
let loop: DispatchLoop;
beforeAll(async () => {
  hub = await startFanoutHub({ platforms: ["mastodon", "telegram"] });
  // An interval far longer than the test: only wake() can make it send.
  loop = startDispatchLoop(hub.deps, { intervalMs: 3_600_000, owner: "loop-test", random: () => 0.5 });
  hub.deps.signalDeliveries = () => loop.wake();
});
afterAll(async () => {
  await loop.stop();
  await hub.close();
});

async function until(check: () => Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the loop never finished");
}

describe("the dispatch loop", () => {
  test("a publish wakes it, and an account's later updates follow in order", async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push(await hub.post(`Loopen ${n}: läget är oförändrat.`));
    await until(async () => {
      const rows = (await Promise.all(ids.map((id) => hub.deliveriesOf(id)))).flat();
      return rows.every((r) => r.status === "published");
    });
    const texts = hub.sandbox.state("mastodon").posts.map((p) => p.text.slice(0, 8));
    expect(texts).toEqual(["Loopen 1", "Loopen 2", "Loopen 3"]);
    expect(hub.sandbox.state("telegram").posts).toHaveLength(3);
  });

  test("stop() waits for what is in flight and claims nothing after", async () => {
    hub.sandbox.control("mastodon").setLatency(100);
    const id = await hub.post("Loopen 4: sista.");
    await loop.stop();
    const rows = await hub.deliveriesOf(id);
    expect(rows.every((r) => r.status === "published" || r.status === "pending")).toBe(true);
    expect(rows.some((r) => r.status === "sending")).toBe(false);
    const before = rows.filter((r) => r.status === "pending").length;
    loop.wake();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await hub.deliveriesOf(id)).filter((r) => r.status === "pending")).toHaveLength(before);
  });
});
