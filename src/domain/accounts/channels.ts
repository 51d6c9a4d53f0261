// The public list of official channels (requirement 4: every official account is listed on the
// website, with its department and purpose), so the public can tell a real channel from a fake.
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts, departments } from "../../db/schema";

export interface PublicChannel {
  platform: string;
  handle: string;
  /** The handle as the platform shows it ("@exempelkommun"). */
  displayHandle: string;
  purpose: string | null;
  url: string | null;
}

export interface ChannelGroup {
  /** Null for the municipality-wide accounts that belong to no department. */
  departmentId: string | null;
  name: string;
  channels: PublicChannel[];
}

export const MUNICIPALITY_WIDE = "Kommungemensamma kanaler";

/** Platforms where people write a handle with "@"; Facebook and LinkedIn show page names. */
const AT_HANDLES = new Set(["x", "instagram", "mastodon", "bluesky", "threads", "telegram"]);

/** Active accounts only, grouped by department: municipality-wide first, then by name. */
export async function loadChannelList(db: DbOrTx): Promise<ChannelGroup[]> {
  const rows = await db
    .select({ account: accounts, departmentName: departments.name })
    .from(accounts)
    .leftJoin(departments, eq(departments.id, accounts.departmentId))
    .where(eq(accounts.status, "active"))
    .orderBy(asc(departments.name), asc(accounts.platform), asc(accounts.handle));
  const groups = new Map<string | null, ChannelGroup>();
  for (const { account, departmentName } of rows) {
    const key = departmentName === null ? null : account.departmentId;
    let group = groups.get(key);
    if (!group) {
      group = { departmentId: key, name: departmentName ?? MUNICIPALITY_WIDE, channels: [] };
      groups.set(key, group);
    }
    group.channels.push(toPublicChannel(account));
  }
  const wide = groups.get(null);
  const named = [...groups.values()].filter((g) => g.departmentId !== null);
  return wide ? [wide, ...named] : named;
}

function toPublicChannel(account: typeof accounts.$inferSelect): PublicChannel {
  return {
    platform: account.platform,
    handle: account.handle,
    displayHandle: AT_HANDLES.has(account.platform) ? `@${account.handle.replace(/^@/, "")}` : account.handle,
    purpose: account.purpose?.trim() || null,
    url: safeLink(account.publicUrl),
  };
}

/** Only web links reach the public page; a stored "javascript:" URL must never become a link. */
function safeLink(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/** The JSON form: editors and every internal field stay out; this is all the public needs. */
export function toChannelListJson(groups: ChannelGroup[], orgName: string, publicUrl: string) {
  return {
    organisation: orgName,
    url: `${publicUrl}/channels`,
    departments: groups.map((g) => ({
      id: g.departmentId,
      name: g.name,
      accounts: g.channels.map((c) => ({ platform: c.platform, handle: c.handle, purpose: c.purpose, url: c.url })),
    })),
  };
}
