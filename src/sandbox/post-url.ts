// Where a demo post is shown: the hub's own sandbox page for it. The stand-ins run on a new local
// port every start and the adapters build real platform addresses (x.com, linkedin.com) from
// invented ids, so neither would lead anywhere a newcomer can follow, or anywhere at all tomorrow.
import type { Platform } from "../platforms/types";

export function sandboxPostUrl(publicUrl: string, platform: Platform, remoteId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/sandbox/${platform}/posts/${encodeURIComponent(remoteId)}`;
}
