// Cloudflare Workers entry: the same createApp() as on Node, with Deps built per invocation from
// the env bindings (src/workers/deps.ts). fetch serves the app, public pages through the edge
// cache; queue sends one delivery per message; scheduled sweeps what the queue missed and runs
// the periodic checks. Everything Workers-specific lives in src/workers/.
// First, before anything loads satori: see harfbuzz.ts.
import "./harfbuzz";
import type { ExecutionContext, MessageBatch, ScheduledController } from "@cloudflare/workers-types/index";
import { createApp } from "../app";
import { createLog } from "../log";
import { runCron } from "./cron";
import { type DeliveryMessage, type Env, MissingBindingError, openEdgeCache, openInvocation, readConfig } from "./deps";
import { isEdgeCacheable } from "./edge-cache";
import { dropLocationStandIn } from "./harfbuzz";
import { consumeDeliveries } from "./queue";

dropLocationStandIn();
const app = createApp();

async function handleWithApp(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  let invocation: Awaited<ReturnType<typeof openInvocation>>;
  try {
    invocation = await openInvocation(env, ctx);
  } catch (error) {
    if (error instanceof MissingBindingError) return new Response(error.message, { status: 503 });
    throw error;
  }
  try {
    const response = await app.fetch(request, {
      deps: invocation.deps,
      clientAddress: request.headers.get("cf-connecting-ip") ?? undefined,
    });
    // The publisher's next look at the site must not come from the edge copy it just replaced.
    await invocation.settlePurges();
    return response;
  } finally {
    invocation.close();
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (!isEdgeCacheable(request)) return handleWithApp(request, env, ctx);
    const config = readConfig(env);
    const edge = openEdgeCache(env, ctx, config, createLog(config.logLevel));
    return edge.serve(request, (inner) => handleWithApp(inner, env, ctx));
  },

  async queue(batch: MessageBatch<DeliveryMessage>, env: Env, ctx: ExecutionContext): Promise<void> {
    const invocation = await openInvocation(env, ctx);
    try {
      await consumeDeliveries(invocation.deps, batch);
    } finally {
      invocation.close();
    }
  },

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    const invocation = await openInvocation(env, ctx);
    try {
      await runCron(invocation.deps, controller.cron);
    } finally {
      invocation.close();
    }
  },
};
