// What the sandbox has received, as data for the hub's "/sandbox" page and for /_control.
import { Hono } from "hono";
import { PLATFORMS, type Platform } from "../platforms/types";
import type { SandboxPlatform } from "./platform";
import type { SandboxPost } from "./store";

export interface SandboxDescription {
  platforms: {
    platform: Platform;
    handle: string;
    posts: SandboxPost[];
    comments: SandboxPlatform["store"]["comments"];
    requestCount: number;
    control: ReturnType<SandboxPlatform["control"]["describe"]>;
  }[];
}

export function describeSandbox(sandbox: { platforms: Record<Platform, SandboxPlatform> }): SandboxDescription {
  return {
    platforms: PLATFORMS.map((platform) => {
      const p = sandbox.platforms[platform];
      const { posts, comments, requests } = p.store.snapshot();
      return {
        platform,
        handle: p.account("").handle,
        // Newest first, as people read a feed.
        posts: posts.reverse(),
        comments,
        requestCount: requests.length,
        control: p.control.describe(),
      };
    }),
  };
}

/** A small app the hub can mount at /sandbox; it answers JSON, the hub renders the page. */
export function sandboxApp(sandbox: { platforms: Record<Platform, SandboxPlatform> }): Hono {
  return new Hono()
    .get("/", (c) => c.json(describeSandbox(sandbox)))
    .get("/:platform", (c) => {
      const platform = c.req.param("platform");
      const found = describeSandbox(sandbox).platforms.find((p) => p.platform === platform);
      return found ? c.json(found) : c.json({ error: "Okänd plattform" }, 404);
    });
}
