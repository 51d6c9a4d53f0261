// /sandbox: what each stand-in platform of the demo received. Mounted by src/node.ts only while
// the demo sandbox runs, so a real hub has no such page; this file only renders what it is given.
import { Hono } from "hono";
import type { AppEnv } from "../deps";
import { getOrganisation } from "../domain/publishing/organisation";
import type { SandboxDescription } from "../sandbox/describe";

export function sandboxPage(describe: () => SandboxDescription) {
  return (
    new Hono<AppEnv>()
      .get("/sandbox", async (c) => {
        const { deps } = c.env;
        const org = await getOrganisation(deps.db);
        const html = deps.render.render("sandbox", {
          orgName: org.name,
          publicUrl: deps.config.publicUrl,
          title: "Sandlådan",
          description: "Vad demolägets låtsasplattformar har tagit emot.",
          platforms: describe().platforms,
        });
        return c.html(html, 200, { "cache-control": "no-store" });
      })
      .get("/sandbox.json", (c) => c.json(describe(), 200, { "cache-control": "no-store" }))
      // The address a demo delivery links to (sandbox/post-url.ts): stable across restarts, though
      // the stand-ins keep their posts in memory only, so an older post is explained, not shown.
      .get("/sandbox/:platform/posts/:remote", async (c) => {
        const { deps } = c.env;
        const org = await getOrganisation(deps.db);
        const platform = describe().platforms.find((p) => p.platform === c.req.param("platform"));
        // Not ":id": ids in paths are UUIDs everywhere else (malformed-input.ts); a post id is the platform's.
        const id = c.req.param("remote");
        const post = platform?.posts.find((p) => p.id === id) ?? null;
        const html = deps.render.render("sandbox", {
          orgName: org.name,
          publicUrl: deps.config.publicUrl,
          title: "Sandlådan",
          description: "Ett inlägg som demolägets låtsasplattform har tagit emot.",
          platforms: platform && post ? [{ ...platform, posts: [post] }] : [],
          single: { found: Boolean(post), id },
        });
        return c.html(html, post ? 200 : 404, { "cache-control": "no-store" });
      })
  );
}
