// The switches over HTTP, so a test in another process (workerd, a browser test) can flip them:
//   POST /_control/:platform/fail-next   {status, times?, body?, headers?, retryAfterSeconds?, match?}
//   POST /_control/:platform/latency     {ms}
//   POST /_control/:platform/hang        {times?, afterHandling?, match?}
//   POST /_control/:platform/revoke      {revoked?: boolean}
//   POST /_control/:platform/restrict    {restricted?: boolean}
//   POST /_control/:platform/expire-tokens
//   POST /_control/:platform/configure   {maxCharacters?, accessTtlSeconds?, pollsUntilFinished?}
//   POST /_control/:platform/reply       {postId?, author?, text, kind?: reply|mention|quote}: the public answers
//   GET  /_control/:platform/state       posts, comments, requests, switches
//   POST /_control/reset                 everything back to empty
//   GET  /_control                       describeSandbox()
import { Hono } from "hono";
import { PLATFORMS, type Platform } from "../platforms/types";
import type { SandboxControl } from "./control";
import { describeSandbox } from "./describe";
import type { SandboxPlatform } from "./platform";

type Sandbox = { platforms: Record<Platform, SandboxPlatform>; reset(): void };

const ACTIONS: Record<string, (control: SandboxControl, body: Record<string, unknown>) => void> = {
  "fail-next": (control, body) => control.failNext({ ...body, status: Number(body.status ?? 503) }),
  latency: (control, body) => control.setLatency(Number(body.ms ?? 0)),
  hang: (control, body) => control.hang(body),
  revoke: (control, body) => control.revoke(Boolean(body.revoked ?? true)),
  restrict: (control, body) => control.restrict(Boolean(body.restricted ?? true)),
  "expire-tokens": (control) => control.expireTokens(),
  configure: (control, body) => control.configure(body),
};

export function controlRoutes(sandbox: Sandbox): Hono {
  const isPlatform = (name: string): name is Platform => (PLATFORMS as readonly string[]).includes(name);
  return new Hono()
    .get("/", (c) => c.json(describeSandbox(sandbox)))
    .post("/reset", (c) => {
      sandbox.reset();
      return c.json({ ok: true });
    })
    .get("/:platform/state", (c) => {
      const name = c.req.param("platform");
      if (!isPlatform(name)) return c.json({ error: "unknown platform" }, 404);
      const p = sandbox.platforms[name];
      return c.json({ ...p.store.snapshot(), control: p.control.describe() });
    })
    .post("/:platform/reply", async (c) => {
      const name = c.req.param("platform");
      if (!isPlatform(name)) return c.json({ error: "unknown platform" }, 404);
      const add = sandbox.platforms[name].addPublicReply;
      if (!add) return c.json({ error: `${name} gives the hub no replies to collect` }, 404);
      const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
      if (typeof body.text !== "string" || !body.text.trim()) return c.json({ error: "text is required" }, 400);
      const kind = ["reply", "mention", "quote"].includes(String(body.kind)) ? body.kind : undefined;
      const added = add({
        text: body.text,
        postId: typeof body.postId === "string" ? body.postId : undefined,
        author: typeof body.author === "string" ? body.author : undefined,
        kind: kind as "reply" | "mention" | "quote" | undefined,
      });
      if ("error" in added) return c.json(added, 404);
      return c.json(added, 201);
    })
    .post("/:platform/:action", async (c) => {
      const name = c.req.param("platform");
      const action = ACTIONS[c.req.param("action")];
      if (!isPlatform(name) || !action) return c.json({ error: "unknown platform or action" }, 404);
      const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
      action(sandbox.platforms[name].control, body);
      return c.json({ ok: true, control: sandbox.platforms[name].control.describe() });
    });
}
