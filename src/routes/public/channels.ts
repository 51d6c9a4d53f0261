// The public list of official channels, as a page and as JSON, rendered once per change.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { loadChannelList, toChannelListJson } from "../../domain/accounts/channels";
import { getOrganisation } from "../../domain/publishing/organisation";
import { pageData } from "./pages";
import { serveCached } from "./serve-cached";

export const publicChannels = new Hono<AppEnv>()
  .get("/channels", (c) =>
    serveCached(c, "text/html; charset=utf-8", async () => {
      const { deps } = c.env;
      const [base, groups] = await Promise.all([pageData(deps), loadChannelList(deps.db)]);
      const { publicUrl } = base;
      const description = `Alla officiella konton i sociala medier för ${base.orgName}, per verksamhet.`;
      const og = {
        type: "website",
        title: `Officiella kanaler för ${base.orgName}`,
        description,
        url: `${publicUrl}/channels`,
      };
      return {
        status: 200,
        body: deps.render.render("public/channels", {
          ...base,
          groups,
          title: "Våra officiella kanaler",
          description,
          og,
          canonical: `${publicUrl}/channels`,
        }),
      };
    }),
  )
  .get("/channels.json", (c) =>
    serveCached(c, "application/json; charset=utf-8", async () => {
      const { deps } = c.env;
      const [org, groups] = await Promise.all([getOrganisation(deps.db), loadChannelList(deps.db)]);
      return { status: 200, body: JSON.stringify(toChannelListJson(groups, org.name, deps.config.publicUrl)) };
    }),
  );
