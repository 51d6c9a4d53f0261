// /prenumerera: what a feed is and the addresses to copy, in plain words in each offered
// language, instead of the raw XML the menu used to open.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { publicSite, requestedLanguage } from "./language";
import { notFound } from "./pages";
import { serveCached } from "./serve-cached";

export const publicSubscribe = new Hono<AppEnv>().get("/prenumerera", (c) =>
  serveCached(c, "text/html; charset=utf-8", async () => {
    const { deps } = c.env;
    const base = await publicSite(deps, requestedLanguage(c), "/prenumerera");
    if (!base) return notFound(deps, (t) => t.addressMissing);
    return {
      status: 200,
      body: deps.render.render("public/subscribe", {
        ...base,
        title: base.t.subscribeTitle,
        description: base.t.subscribeDescription(base.orgName),
        canonical: `${base.site}/prenumerera`,
      }),
    };
  }),
);
