// The registry of official accounts the hub publishes through. A credential is write-only: it is
// sealed with the hub's key on the way in and opened again only by the dispatcher, in memory.
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { accounts, departments } from "../../db/schema";
import type { Deps } from "../../deps";
import { ConflictError, type FieldError, InvalidInputError, NotFoundError } from "../../errors";
import { type AccountTarget, PLATFORMS, type Platform, type PlatformAdapter } from "../../platforms/types";
import { requireCan } from "../people/access";
import { type Actor, SYSTEM_ACTOR } from "../people/actor";
import { type CommitSignalDeps, signalCommittedChange } from "../publishing/after-commit";
import { bumpPublicRevision } from "../publishing/organisation";
import { readOfferedLanguages } from "../publishing/organisation-languages";
import { CHANNEL_PATHS } from "../publishing/public-paths";
import { requireOfferedLanguage } from "../publishing/translations";
import { recordAudit } from "../records/audit";
import { sealJson } from "./secrets";

export type Account = typeof accounts.$inferSelect;

const EditorInput = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(320),
  role: z.enum(["editor", "deputy"]),
});

const httpUrl = z
  .string()
  .trim()
  .url()
  .max(500)
  .refine((u) => /^https?:\/\//i.test(u), "Must be an http(s) URL.");

const RegistryFields = {
  departmentId: z.string().uuid().nullable().optional(),
  baseUrl: httpUrl.optional(),
  options: z.record(z.string().min(1).max(100), z.string().trim().max(500)).optional(),
  /** Optional: an official account can be registered before the hub holds a login for it. */
  credential: z.record(z.string().min(1).max(100), z.string().min(1).max(4096)).optional(),
  publicUrl: httpUrl.nullable().optional(),
  purpose: z.string().trim().max(1000).nullable().optional(),
  editors: z.array(EditorInput).max(20).optional(),
  status: z.enum(["active", "closed"]).optional(),
  /** Why an account was closed; kept with a status change to closed. */
  closedReason: z.string().trim().min(3).max(500).nullable().optional(),
  /** BCP 47, one of the organisation's languages; the account gets that translation when there is one. */
  language: z.string().trim().min(1).max(40).optional(),
  /** Minutes to hold a post for its translation before the Swedish text goes; null: never wait. */
  translationWaitMinutes: z.number().int().min(1).max(1440).nullable().optional(),
  /** An exercise account (a sandbox stand-in or a real test account): the only kind an exercise posts to. */
  exercise: z.boolean().optional(),
};

export const RegisterAccountInput = z.object({
  platform: z.enum(PLATFORMS),
  handle: z.string().trim().min(1).max(200),
  ...RegistryFields,
  /** Only an explicit true points an account at the built-in sandbox platforms. */
  sandbox: z.boolean().default(false),
});

export const EditAccountInput = z
  .object({ handle: z.string().trim().min(1).max(200).optional(), ...RegistryFields })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: "Nothing to change.", params: { code: "nothing_to_change" } });

/** The account as an adapter sees it: public settings only, never the credential. */
export function toAccountTarget(account: Account): AccountTarget {
  return {
    id: account.id,
    platform: account.platform,
    handle: account.handle,
    baseUrl: account.baseUrl,
    options: account.options,
  };
}

/** The account as the API shows it: never the credential, only whether there is one. */
export function toAccountView(account: Account) {
  return {
    id: account.id,
    platform: account.platform,
    handle: account.handle,
    departmentId: account.departmentId,
    baseUrl: account.baseUrl,
    options: account.options,
    hasCredential: Boolean(account.credentialCiphertext),
    publicUrl: account.publicUrl,
    purpose: account.purpose,
    editors: account.editors,
    status: account.status,
    closedAt: account.closedAt,
    closedReason: account.closedReason,
    rightsStatus: account.rightsStatus,
    rightsClass: account.rightsClass,
    rightsDetail: account.rightsDetail,
    rightsCheckedAt: account.rightsCheckedAt,
    sandbox: account.sandbox,
    language: account.language,
    translationWaitMinutes: account.translationWaitMinutes,
    exercise: account.exercise,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}
export type AccountView = ReturnType<typeof toAccountView>;

type RegistryDeps = Pick<Deps, "db" | "now" | "platforms" | "secretKey"> & CommitSignalDeps;

export async function registerAccount(deps: RegistryDeps, actor: Actor, raw: unknown): Promise<Account> {
  requireCan(actor, "account.manage");
  const input = RegisterAccountInput.parse(raw);
  const adapter = deps.platforms[input.platform];
  const handle = normaliseHandle(input.platform, input.handle);
  const options = input.options ?? {};
  const credential = input.credential ? normaliseCredential(adapter, input.credential) : undefined;
  const problems = [
    ...checkHandle(adapter, handle),
    ...checkOptions(adapter, options),
    ...(credential ? checkCredential(adapter, credential) : []),
  ];
  if (problems.length)
    throw new InvalidInputError("invalid_input", `Invalid input: ${problems.map((p) => p.field).join(", ")}.`, {
      fields: problems,
    });
  const sealed = credential ? await sealJson(deps.secretKey, credential) : null;
  const now = deps.now();
  const closed = input.status === "closed";
  const registered = await deps.db.transaction(async (tx) => {
    if (input.departmentId) await requireActiveDepartment(tx, input.departmentId);
    const language = input.language ? requireOfferedLanguage(await readOfferedLanguages(tx), input.language) : "sv";
    await refuseDuplicate(tx, input.platform, handle);
    const [account] = await tx
      .insert(accounts)
      .values({
        platform: input.platform,
        handle,
        departmentId: input.departmentId ?? null,
        baseUrl: (input.baseUrl ?? adapter.defaultBaseUrl).replace(/\/+$/, ""),
        options,
        credentialCiphertext: sealed,
        publicUrl: input.publicUrl ?? null,
        purpose: input.purpose ?? null,
        editors: input.editors ?? [],
        status: input.status ?? "active",
        closedAt: closed ? now : null,
        closedReason: closed ? (input.closedReason ?? null) : null,
        sandbox: input.sandbox,
        language,
        translationWaitMinutes: input.translationWaitMinutes ?? null,
        exercise: input.exercise ?? false,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .catch(rethrowDuplicate);
    await recordAudit(tx, actor, now, {
      action: "account.registered",
      entityType: "account",
      entityId: account.id,
      accountId: account.id,
      after: toAccountView(account),
    });
    // The public list of channels is render-cached on the public revision.
    await bumpPublicRevision(tx);
    return account;
  });
  signalCommittedChange(deps, { publicPaths: CHANNEL_PATHS });
  return registered;
}

export async function editAccount(deps: RegistryDeps, actor: Actor, id: string, raw: unknown): Promise<Account> {
  requireCan(actor, "account.manage");
  const input = EditAccountInput.parse(raw);
  const now = deps.now();
  const before = await requireAccount(deps.db, id);
  const platform = before.platform;
  const adapter = deps.platforms[platform];
  const changes: Partial<typeof accounts.$inferInsert> = { updatedAt: now };
  const problems: FieldError[] = [];
  if (input.handle !== undefined) {
    changes.handle = normaliseHandle(platform, input.handle);
    problems.push(...checkHandle(adapter, changes.handle));
  }
  if (input.options !== undefined) {
    changes.options = input.options;
    problems.push(...checkOptions(adapter, input.options));
  }
  let credential: Record<string, string> | undefined;
  if (input.credential !== undefined) {
    credential = normaliseCredential(adapter, input.credential);
    problems.push(...checkCredential(adapter, credential));
  }
  if (problems.length)
    throw new InvalidInputError("invalid_input", `Invalid input: ${problems.map((p) => p.field).join(", ")}.`, {
      fields: problems,
    });
  if (input.departmentId !== undefined) changes.departmentId = input.departmentId;
  if (input.baseUrl !== undefined) changes.baseUrl = input.baseUrl.replace(/\/+$/, "");
  if (input.publicUrl !== undefined) changes.publicUrl = input.publicUrl;
  if (input.purpose !== undefined) changes.purpose = input.purpose;
  if (input.editors !== undefined) changes.editors = input.editors;
  if (input.translationWaitMinutes !== undefined) changes.translationWaitMinutes = input.translationWaitMinutes;
  if (input.exercise !== undefined) changes.exercise = input.exercise;
  if (input.status !== undefined && input.status !== before.status) {
    changes.status = input.status;
    changes.closedAt = input.status === "closed" ? now : null;
    if (input.status === "active") changes.closedReason = null;
  }
  if (input.closedReason !== undefined && (changes.status ?? before.status) === "closed") {
    changes.closedReason = input.closedReason;
  }
  if (credential) changes.credentialCiphertext = await sealJson(deps.secretKey, credential);
  // A new credential or API base has not been verified yet.
  if (credential || (changes.baseUrl && changes.baseUrl !== before.baseUrl)) {
    Object.assign(changes, { rightsStatus: "unknown", rightsClass: null, rightsDetail: null, rightsCheckedAt: null });
  }
  const edited = await deps.db.transaction(async (tx) => {
    if (changes.departmentId && changes.departmentId !== before.departmentId) {
      await requireActiveDepartment(tx, changes.departmentId);
    }
    if (input.language !== undefined) {
      changes.language = requireOfferedLanguage(await readOfferedLanguages(tx), input.language);
    }
    if (changes.handle && changes.handle.toLowerCase() !== before.handle.toLowerCase()) {
      await refuseDuplicate(tx, platform, changes.handle, id);
    }
    const [after] = await tx
      .update(accounts)
      .set(changes)
      .where(eq(accounts.id, id))
      .returning()
      .catch(rethrowDuplicate);
    await recordAudit(tx, actor, now, {
      action: "account.edited",
      entityType: "account",
      entityId: id,
      accountId: id,
      before: toAccountView(before),
      after: { ...toAccountView(after), ...(credential ? { credentialReplaced: true } : {}) },
    });
    await bumpPublicRevision(tx);
    return after;
  });
  signalCommittedChange(deps, { publicPaths: CHANNEL_PATHS });
  return edited;
}

export const AccountFilter = z.object({
  platform: z.enum(PLATFORMS).optional(),
  status: z.enum(["active", "closed"]).optional(),
});

export async function listAccounts(db: DbOrTx, raw: unknown = {}): Promise<Account[]> {
  const filter = AccountFilter.parse(raw);
  return db
    .select()
    .from(accounts)
    .where(
      and(
        filter.platform ? eq(accounts.platform, filter.platform) : undefined,
        filter.status ? eq(accounts.status, filter.status) : undefined,
      ),
    )
    .orderBy(asc(accounts.platform), asc(accounts.handle));
}

export async function requireAccount(db: DbOrTx, id: string): Promise<Account> {
  if (!z.string().uuid().safeParse(id).success) throw new NotFoundError("account");
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  if (!row) throw new NotFoundError("account");
  return row;
}

export async function findAccountByHandle(db: DbOrTx, platform: Platform, handle: string): Promise<Account | null> {
  const normalised = normaliseHandle(platform, handle);
  const [row] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.platform, platform), sql`lower(${accounts.handle}) = lower(${normalised})`));
  return row ?? null;
}

/** "@name" and "name" are the same account; the @ is how people write it, not part of it. */
export function normaliseHandle(_platform: Platform, handle: string): string {
  return handle.trim().replace(/^@/, "");
}

function normaliseCredential(adapter: PlatformAdapter, credential: Record<string, string>): Record<string, string> {
  const aliases = adapter.credentialAliases ?? {};
  return Object.fromEntries(Object.entries(credential).map(([k, v]) => [aliases[k] ?? k, v]));
}

function checkHandle(adapter: PlatformAdapter, handle: string): FieldError[] {
  const format = adapter.handleFormat;
  const platform = adapter.platform;
  return format.pattern.test(handle)
    ? []
    : [
        {
          field: "handle",
          code: "invalid_input",
          message: `Not a ${platform} handle; expected something like "${format.example}".`,
        },
      ];
}

function checkOptions(adapter: PlatformAdapter, options: Record<string, string>): FieldError[] {
  return adapter.requiredOptions
    .filter((key) => !options[key]?.trim())
    .map((key) => ({
      field: `options.${key}`,
      code: "invalid_input",
      message: `${adapter.platform} accounts need options.${key}.`,
    }));
}

function checkCredential(adapter: PlatformAdapter, credential: Record<string, string>): FieldError[] {
  const known = new Set(adapter.credentialFields);
  const missing = adapter.credentialFields
    .filter((key) => !credential[key])
    .map((key) => ({
      field: `credential.${key}`,
      code: "invalid_input",
      message: `${adapter.platform} credentials need ${key}.`,
    }));
  const unknown = Object.keys(credential)
    .filter((key) => !known.has(key))
    .map((key) => ({
      field: `credential.${key}`,
      code: "invalid_input",
      message: `Not a ${adapter.platform} credential field; expected ${adapter.credentialFields.join(", ")}.`,
    }));
  return [...missing, ...unknown];
}

/** A retired department owns no new accounts: its accounts are moved or closed when it retires. */
async function requireActiveDepartment(tx: DbOrTx, id: string): Promise<void> {
  const [row] = await tx
    .select({ id: departments.id, retiredAt: departments.retiredAt })
    .from(departments)
    .where(eq(departments.id, id));
  if (!row)
    throw new InvalidInputError("department_unknown", "Unknown department.", {
      fields: [
        {
          field: "departmentId",
          code: "department_unknown",
          message: "No such department.",
          params: { departmentId: id },
        },
      ],
    });
  if (row.retiredAt)
    throw new InvalidInputError("department_retired", "The department is retired.", {
      fields: [
        {
          field: "departmentId",
          code: "department_retired",
          message: "The department is retired; choose an active one.",
        },
      ],
    });
}

async function refuseDuplicate(tx: DbOrTx, platform: Platform, handle: string, exceptId?: string): Promise<void> {
  const [row] = await tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(
      and(
        eq(accounts.platform, platform),
        sql`lower(${accounts.handle}) = lower(${handle})`,
        exceptId ? ne(accounts.id, exceptId) : undefined,
      ),
    );
  if (row) throw duplicateError(platform, handle);
}

function duplicateError(platform: string, handle: string) {
  return new ConflictError("account_already_registered", `The ${platform} account ${handle} is already registered.`, {
    fields: [{ field: "handle", code: "account_already_registered", message: "Already registered for this platform." }],
    params: { platform, handle },
  });
}

/** A racing registration passes the check but not the unique index. */
function rethrowDuplicate(error: unknown): never {
  const code = (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (code === "23505")
    throw new ConflictError("account_already_registered", "The account is already registered.", {
      fields: [
        { field: "handle", code: "account_already_registered", message: "Already registered for this platform." },
      ],
    });
  throw error;
}

export interface SandboxAccountDefinition {
  platform: Platform;
  handle: string;
  baseUrl: string;
  options: Record<string, string>;
  credential: Record<string, string>;
  editors?: { name: string; email: string; role: "editor" | "deputy" }[];
}

/**
 * The demo: one account per built-in sandbox platform, registered on the first start. The
 * sandbox listens on a new port every start, so accounts marked sandbox are pointed at it again;
 * a real account that happens to share a handle is never touched.
 */
export async function ensureSandboxAccounts(
  deps: RegistryDeps,
  definitions: SandboxAccountDefinition[],
): Promise<{ registered: number; repointed: number }> {
  const result = { registered: 0, repointed: 0 };
  for (const definition of definitions) {
    const existing = await findAccountByHandle(deps.db, definition.platform, definition.handle);
    if (!existing) {
      await registerAccount(deps, SYSTEM_ACTOR, {
        ...definition,
        purpose: "Demo: sandlådans låtsasplattform, inget publiceras på riktigt.",
        sandbox: true,
        // A stand-in is where an exercise may publish: nothing reaches a real audience.
        exercise: true,
      });
      result.registered++;
    } else if (existing.sandbox && existing.baseUrl !== definition.baseUrl.replace(/\/+$/, "")) {
      await editAccount(deps, SYSTEM_ACTOR, existing.id, { baseUrl: definition.baseUrl });
      result.repointed++;
    }
  }
  return result;
}
