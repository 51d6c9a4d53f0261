// /prenumerera: what a feed is and the addresses to copy, in plain Swedish, instead of the raw
// XML the menu used to open. Other ways to follow (email, SMS, push) will be offered here too.
import { Hono } from "hono";
import type { AppEnv } from "../../deps";
import { getOrganisation } from "../../domain/publishing/organisation";
import { serveCached } from "./serve-cached";

export const publicSubscribe = new Hono<AppEnv>().get("/prenumerera", (c) =>
  serveCached(c, "text/html; charset=utf-8", async () => {
    const { deps } = c.env;
    const org = await getOrganisation(deps.db);
    const publicUrl = deps.config.publicUrl;
    return {
      status: 200,
      body: deps.render.render("public/subscribe", {
        orgName: org.name,
        publicUrl,
        title: "Prenumerera på krisinformationen",
        description: `Så får du ${org.name}s krisinformation direkt när den publiceras.`,
        canonical: `${publicUrl}/prenumerera`,
      }),
    };
  }),
);
