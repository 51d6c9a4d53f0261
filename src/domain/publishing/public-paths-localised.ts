// A public change in every offered language: the Swedish paths a verb reports, under each other
// language's prefix. Read after the commit (Deps.onPublicChange), since the verbs that report
// paths do not know, and need not know, which languages the organisation offers.
import type { Deps } from "../../deps";
import { getOrganisation } from "./organisation";
import { localisedPublicPaths } from "./public-paths";

export async function localisePublicChange(deps: Pick<Deps, "db">, paths: readonly string[]): Promise<string[]> {
  if (!paths.length) return [];
  const org = await getOrganisation(deps.db);
  return localisedPublicPaths(paths, org.languages ?? []);
}
