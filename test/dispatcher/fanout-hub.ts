// A test hub with one account per sandbox platform registered through the API, an open
// incident, and small helpers to post updates and run the dispatcher by hand.
import { eq } from "drizzle-orm";
import { deliveries } from "../../src/db/schema";
import { type DispatchOptions, dispatchDue } from "../../src/dispatcher/dispatch";
import { createPlatforms } from "../../src/platforms/index";
import { PLATFORMS, type Platform } from "../../src/platforms/types";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/index";
import { api, startTestHub, type TestHub } from "../helpers/hub";
import { TINY_PNG } from "../platforms/harness";

export interface FanoutHub extends TestHub {
  sandbox: RunningSandbox;
  accountIds: Record<Platform, string>;
  incident: { id: string; slug: string };
  /** Posts an update through the API and returns its id. */
  post(body: string, extra?: Record<string, unknown>): Promise<string>;
  /** One dispatcher pass. */
  dispatch(options?: Partial<DispatchOptions>): Promise<Awaited<ReturnType<typeof dispatchDue>>>;
  /** Passes until nothing due is left (per account, one delivery goes out per pass). */
  drain(options?: Partial<DispatchOptions>): Promise<void>;
  deliveriesOf(updateId: string): Promise<(typeof deliveries.$inferSelect)[]>;
  byPlatform(updateId: string): Promise<Record<string, typeof deliveries.$inferSelect>>;
}

export const DISPATCH_DEFAULTS = { owner: "test-dispatcher", random: () => 0.5, sendTimeoutMs: 1_500 };

export async function startFanoutHub(
  options: { platforms?: readonly Platform[]; sandbox?: RunningSandbox } = {},
): Promise<FanoutHub> {
  const sandbox = options.sandbox ?? (await startSandbox());
  // Instagram polls its container between steps; tests do not wait for that.
  const hub = await startTestHub({ deps: { platforms: createPlatforms({ sleep: async () => {} }) } });
  // IMAGE stands for a picture on the municipality's own website: adapters that upload the file fetch it.
  const direct = hub.deps.fetch;
  hub.deps.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== IMAGE.url) return direct(input, init);
    return new Response(TINY_PNG, { headers: { "content-type": "image/png" } });
  };
  const admin = api(hub, hub.token);
  const wanted = options.platforms ?? PLATFORMS;
  const accountIds = {} as Record<Platform, string>;
  for (const account of sandbox.accounts().filter((a) => wanted.includes(a.platform))) {
    const res = await admin.post("/api/v1/accounts", { ...account, sandbox: true });
    if (res.status !== 201) throw new Error(`registering ${account.platform} failed: ${res.text}`);
    accountIds[account.platform] = res.json.id;
  }
  const incident = (await admin.post("/api/v1/incidents", { title: "Vattenläcka på Storgatan", severity: "major" }))
    .json;
  const dispatch = (o: Partial<DispatchOptions> = {}) => dispatchDue(hub.deps, { ...DISPATCH_DEFAULTS, ...o });
  const deliveriesOf = (updateId: string) =>
    hub.deps.db.select().from(deliveries).where(eq(deliveries.updateId, updateId)).orderBy(deliveries.seq);
  const close = hub.close;
  return Object.assign(hub, {
    sandbox,
    accountIds,
    incident,
    async post(body: string, extra: Record<string, unknown> = {}) {
      const res = await admin.post(`/api/v1/incidents/${incident.id}/updates`, { body, ...extra });
      if (res.status !== 201) throw new Error(`posting failed: ${res.text}`);
      return res.json.id as string;
    },
    dispatch,
    async drain(o: Partial<DispatchOptions> = {}) {
      for (let pass = 0; pass < 20; pass++) if (!(await dispatch(o)).claimed) return;
      throw new Error("the dispatcher never ran dry");
    },
    deliveriesOf,
    async byPlatform(updateId: string) {
      const rows = await deliveriesOf(updateId);
      const platformOf = Object.fromEntries(Object.entries(accountIds).map(([p, id]) => [id, p]));
      return Object.fromEntries(rows.filter((r) => r.kind === "publish").map((r) => [platformOf[r.accountId], r]));
    },
    async close() {
      await close();
      if (!options.sandbox) await sandbox.close();
    },
  });
}

export const IMAGE = {
  url: "https://kris.exempel.se/bilder/vattenlacka.jpg",
  alt: "Grävmaskin vid läckan på Storgatan",
};
