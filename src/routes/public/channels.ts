// The public list of official channels, as a page (in each offered language) and as JSON,
// rendered once per change.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { loadChannelList, toChannelListJson } from "../../domain/accounts/channels";
import { SWEDISH } from "../../domain/publishing/languages";
import { getOrganisation } from "../../domain/publishing/organisation";
import { ogLocale } from "../../render/link-preview";
import { publicSite, requestedLanguage } from "./language";
import { notFound } from "./pages";
import { serveCached, servePage } from "./serve-cached";

export const publicChannels = new Hono<AppEnv>()
  .get("/channels", (c) =>
    servePage(c, async () => {
      const { deps } = c.env;
      const [base, groups] = await Promise.all([
        publicSite(deps, requestedLanguage(c), "/channels"),
        loadChannelList(deps.db),
      ]);
      if (!base) return notFound(deps, (t) => t.addressMissing);
      const { t } = base;
      const description = t.channelsDescription(base.orgName);
      const og = {
        type: "website",
        title: t.channelsOgTitle(base.orgName),
        description,
        url: `${base.site}/channels`,
        locale: ogLocale(base.lang),
      };
      return {
        status: 200,
        body: deps.render.render("public/channels", {
          ...base,
          groups,
          title: t.channelsTitle,
          description,
          og,
          canonical: `${base.site}/channels`,
        }),
      };
    }),
  )
  // Data, not words: one address only, whatever the page's language.
  .get("/channels.json", (c) =>
    requestedLanguage(c) !== SWEDISH
      ? c.notFound()
      : serveCached(c, "application/json; charset=utf-8", async () => {
          const { deps } = c.env;
          const [org, groups] = await Promise.all([getOrganisation(deps.db), loadChannelList(deps.db)]);
          return { status: 200, body: JSON.stringify(toChannelListJson(groups, org.name, deps.config.publicUrl)) };
        }),
  );
