// Rights checks (requirement 2): the communications unit must hold working admin rights on every
// official account, so in a crisis every channel is known to work. A check asks the platform
// itself through the adapter; a failing account is flagged and the dispatcher stops retrying it.
import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { accounts } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, NotFoundError } from "../../errors";
import { type FailureClass, PLATFORMS, type RightsResult } from "../../platforms/types";
import { requireActOnAccount, requireCan } from "../people/access";
import { type Actor, SYSTEM_ACTOR } from "../people/actor";
import { recordAudit } from "../records/audit";
import { callAdapter } from "./gateway";

type Account = typeof accounts.$inferSelect;

const HOUR_MS = 3_600_000;
/** The scheduled run wakes this often and checks every account not checked within the day. */
export const RIGHTS_SCHEDULE_TICK_MS = HOUR_MS;
/** Under a day, so that an hourly tick re-checks each account at least once every 24 hours. */
export const RIGHTS_CHECK_DUE_AFTER_MS = 20 * HOUR_MS;
const MAX_DETAIL_CHARS = 500;

export interface RightsRecord {
  status: "ok" | "failing" | "unknown";
  class: FailureClass | null;
  detail: string;
  checkedAt: Date;
}

/** The platform could not be asked (network, 5xx, timeout): that says nothing about the rights. */
const INCONCLUSIVE: ReadonlySet<FailureClass> = new Set(["retry", "unconfirmed"]);

export async function verifyAccountRights(
  deps: Pick<Deps, "db" | "now" | "fetch" | "platforms" | "secretKey" | "log">,
  actor: Actor,
  accountId: string,
): Promise<{ account: Account; rights: RightsRecord }> {
  requireCan(actor, "account.verify");
  const account = await requireAccountRow(deps.db, accountId);
  requireActOnAccount(actor, account);
  if (account.status !== "active")
    throw new ConflictError("account_closed", "The account is closed; closed accounts are not checked.");
  const rights = await askPlatform(deps, account);
  const updated = await recordRights(deps, actor, account, rights);
  return { account: updated, rights };
}

/**
 * The scheduled check (Node timer, Workers cron): every active account whose last check is older
 * than `dueAfterMs` (all of them with 0). One account's failure never stops the others.
 */
export async function checkAllAccountRights(
  deps: Pick<Deps, "db" | "now" | "fetch" | "platforms" | "secretKey" | "log">,
  options: { dueAfterMs?: number } = {},
): Promise<{ checked: number; ok: number; failing: number; unknown: number }> {
  const dueBefore = new Date(deps.now().getTime() - (options.dueAfterMs ?? 0));
  const due = await deps.db
    .select()
    .from(accounts)
    .where(
      and(
        eq(accounts.status, "active"),
        options.dueAfterMs ? or(isNull(accounts.rightsCheckedAt), lt(accounts.rightsCheckedAt, dueBefore)) : undefined,
      ),
    )
    .orderBy(asc(accounts.rightsCheckedAt), asc(accounts.createdAt));
  const summary = { checked: 0, ok: 0, failing: 0, unknown: 0 };
  for (const account of due) {
    try {
      const rights = await askPlatform(deps, account);
      await recordRights(deps, SYSTEM_ACTOR, account, rights);
      summary.checked++;
      summary[rights.status]++;
    } catch (error) {
      deps.log.error("rights check failed", { accountId: account.id, error: String(error) });
    }
  }
  if (summary.checked) deps.log.info("rights checked", summary);
  return summary;
}

/** The daily run: what the Node timer calls every tick, and what a Workers cron should call. */
export function checkDueAccountRights(deps: Pick<Deps, "db" | "now" | "fetch" | "platforms" | "secretKey" | "log">) {
  return checkAllAccountRights(deps, { dueAfterMs: RIGHTS_CHECK_DUE_AFTER_MS });
}

/**
 * For the dispatcher: a delivery to a flagged account fails at once with this class instead of
 * being sent and retried. Null when the account may be tried.
 */
export function rightsBlock(
  account: Pick<Account, "rightsStatus" | "rightsClass" | "rightsDetail" | "rightsCheckedAt">,
): { class: "auth" | "rights"; message: string } | null {
  if (account.rightsStatus !== "failing") return null;
  const cls = account.rightsClass === "auth" ? "auth" : "rights";
  const why = account.rightsDetail ? `: ${account.rightsDetail}` : "";
  const what = cls === "auth" ? "inloggningen fungerar inte" : "Kriskanal saknar publiceringsrätt";
  return {
    class: cls,
    message: `Skickades inte: behörighetskontrollen misslyckades (${what}${why}). Åtgärda kontot och kontrollera det igen.`,
  };
}

async function requireAccountRow(db: DbOrTx, id: string): Promise<Account> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const [row] = uuid ? await db.select().from(accounts).where(eq(accounts.id, id)) : [];
  if (!row) throw new NotFoundError("account", id);
  return row;
}

/** Asks the platform through the gateway; nothing about the credential is returned. */
async function askPlatform(
  deps: Pick<Deps, "now" | "fetch" | "platforms" | "secretKey">,
  account: Account,
): Promise<RightsRecord> {
  const at = (result: Omit<RightsRecord, "checkedAt">): RightsRecord => ({ ...result, checkedAt: deps.now() });
  if (!PLATFORMS.includes(account.platform)) {
    return at({ status: "failing", class: "invalid", detail: `Okänd plattform "${account.platform}".` });
  }
  const called = await callAdapter(deps, account, (adapter, ctx) => adapter.checkRights(ctx));
  const result: RightsResult = called.ok ? called.value : { ok: false, class: called.class, detail: called.message };
  const detail = result.detail.slice(0, MAX_DETAIL_CHARS);
  if (result.ok) return at({ status: "ok", class: null, detail });
  return at({ status: INCONCLUSIVE.has(result.class) ? "unknown" : "failing", class: result.class, detail });
}

async function recordRights(
  deps: Pick<Deps, "db" | "now">,
  actor: Actor,
  account: Account,
  rights: RightsRecord,
): Promise<Account> {
  return deps.db.transaction((tx) => writeRights(tx, actor, account, rights, "account.rights_checked", deps.now()));
}

/** Stores a rights result on the account with its audit row; the dispatcher uses it too. */
export async function writeRights(
  tx: DbOrTx,
  actor: Actor,
  account: Account,
  rights: RightsRecord,
  action: "account.rights_checked" | "account.rights_failed",
  now: Date,
): Promise<Account> {
  const fields = {
    rightsStatus: rights.status,
    rightsClass: rights.class,
    rightsDetail: rights.detail.slice(0, MAX_DETAIL_CHARS),
    rightsCheckedAt: rights.checkedAt,
  };
  const [updated] = await tx
    .update(accounts)
    .set({ ...fields, updatedAt: now })
    .where(eq(accounts.id, account.id))
    .returning();
  await recordAudit(tx, actor, now, {
    action,
    entityType: "account",
    entityId: account.id,
    accountId: account.id,
    before: {
      rightsStatus: account.rightsStatus,
      rightsClass: account.rightsClass,
      rightsDetail: account.rightsDetail,
      rightsCheckedAt: account.rightsCheckedAt,
    },
    after: fields,
  });
  return updated;
}

export function toRightsView(
  account: Pick<Account, "rightsStatus" | "rightsClass" | "rightsDetail" | "rightsCheckedAt">,
) {
  return {
    status: account.rightsStatus,
    class: account.rightsClass,
    detail: account.rightsDetail,
    checkedAt: account.rightsCheckedAt,
  };
}
