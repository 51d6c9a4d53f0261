// Who may do what. Pure functions, called by every domain function that writes, so the rules
// hold whether the call came from the API, the staff interface or a queue consumer.
import { ForbiddenError } from "../../errors";
import type { Actor } from "./actor";

export const ACTIONS = [
  "incident.open",
  "incident.edit",
  "incident.close",
  "incident.reset",
  "update.post",
  "update.edit",
  "update.withdraw",
  "update.approve",
  "delivery.retry",
  "delivery.pause",
  "account.manage",
  "account.verify",
  "department.manage",
  "people.manage",
  "people.read",
  "settings.manage",
  "records.read",
  "records.export",
  "audit.read",
  "removal.register",
  "snapshot.take",
  "template.read",
  "template.manage",
  "inbox.read",
  "inbox.answer",
  "report.read",
  "reach.read",
] as const;
export type Action = (typeof ACTIONS)[number];

const ALLOWED: Record<Actor["role"], ReadonlySet<Action> | "all"> = {
  admin: "all",
  communicator: new Set<Action>([
    "incident.open",
    "incident.edit",
    "incident.close",
    "incident.reset",
    "update.post",
    "update.edit",
    "update.withdraw",
    "update.approve",
    "delivery.retry",
    "delivery.pause",
    "account.verify",
    "people.read",
    "records.read",
    "removal.register",
    "snapshot.take",
    "template.read",
    "template.manage",
    "inbox.read",
    "inbox.answer",
    "report.read",
    "reach.read",
  ]),
  editor: new Set<Action>([
    "update.post",
    "update.edit",
    "update.withdraw",
    "delivery.retry",
    "removal.register",
    "template.read",
    "inbox.read",
    "inbox.answer",
    "reach.read",
  ]),
  registrar: new Set<Action>([
    "people.read",
    "records.read",
    "records.export",
    "audit.read",
    "snapshot.take",
    "inbox.read",
    "report.read",
    "reach.read",
  ]),
  viewer: new Set<Action>(),
};

/**
 * Token scopes narrow a person's role, never widen it: a "read" token of an admin still cannot
 * write. Approving is left out of "publish" on purpose: a second pair of eyes must be a person.
 */
export const TOKEN_SCOPES = ["all", "publish", "read"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const READ_ACTIONS: readonly Action[] = [
  "inbox.read",
  "people.read",
  "records.read",
  "records.export",
  "audit.read",
  "template.read",
  "report.read",
  "reach.read",
];
const SCOPE_ACTIONS: Record<Exclude<TokenScope, "all">, ReadonlySet<Action>> = {
  read: new Set(READ_ACTIONS),
  publish: new Set<Action>([
    ...READ_ACTIONS,
    "incident.open",
    "incident.edit",
    "incident.close",
    "incident.reset",
    "update.post",
    "update.edit",
    "update.withdraw",
    "delivery.retry",
    "inbox.answer",
  ]),
};

const SCOPE_RANK: Record<TokenScope, number> = { read: 1, publish: 2, all: 3 };

/** Whether a token with `held` scopes may mint one with `wanted` (never a wider one). */
export function scopesCover(held: readonly string[] | undefined, wanted: readonly TokenScope[]): boolean {
  if (!held?.length) return true;
  const top = Math.max(...held.map((s) => SCOPE_RANK[s as TokenScope] ?? 0));
  return wanted.every((s) => SCOPE_RANK[s] <= top);
}

const SWEDISH_ROLE: Record<Actor["role"], string> = {
  admin: "administratör",
  communicator: "kommunikatör",
  editor: "redaktör",
  registrar: "registrator",
  viewer: "läsare",
};

export function roleLabel(role: Actor["role"]): string {
  return SWEDISH_ROLE[role];
}

/** Whether the actor's token (if any) lets it write at all; "read" tokens only read. */
export function mayWrite(actor: Actor): boolean {
  return !actor.scopes?.length || actor.scopes.some((s) => s !== "read");
}

function scopeAllows(actor: Actor, action: Action): boolean {
  // Tokens from before scopes existed (and the bootstrap token) carry none: the whole role.
  if (!actor.scopes?.length || actor.scopes.includes("all")) return true;
  return actor.scopes.some((s) => s in SCOPE_ACTIONS && SCOPE_ACTIONS[s as keyof typeof SCOPE_ACTIONS].has(action));
}

export function can(actor: Actor, action: Action): boolean {
  const allowed = ALLOWED[actor.role];
  return (allowed === "all" || allowed.has(action)) && scopeAllows(actor, action);
}

export function requireCan(actor: Actor, action: Action): void {
  if (can(actor, action)) return;
  const allowed = ALLOWED[actor.role];
  if (allowed === "all" || allowed.has(action)) {
    throw new ForbiddenError(
      "scope_forbidden",
      `This token's scopes (${actor.scopes?.join(", ")}) do not allow ${action}.`,
      {
        params: { scopes: actor.scopes?.join(", ") ?? "", action },
      },
    );
  }
  throw new ForbiddenError(
    "role_forbidden",
    `A ${actor.role} (${SWEDISH_ROLE[actor.role]}) may not ${action.replace(".", " ")}.`,
    {
      params: { role: actor.role, action },
    },
  );
}

export type PublishRight = "own" | "borrow" | "none";

/**
 * Whether the actor may publish through an account: editors only to their own departments'
 * accounts; communicators and admins to any, borrowing when it is not their department's.
 * An account without a department is the organisation's own (the communications unit's).
 */
export function publishRight(actor: Actor, account: { departmentId: string | null }): PublishRight {
  if (!can(actor, "update.post")) return "none";
  const own = account.departmentId === null || actor.departmentIds.includes(account.departmentId);
  if (actor.role === "editor") return own && account.departmentId !== null ? "own" : "none";
  if (actor.role === "admin") return "own";
  return own ? "own" : "borrow";
}

/** Editors change only the updates they posted; communicators and admins any update. */
export function mayChangeUpdate(actor: Actor, action: "update.edit" | "update.withdraw", update: Posted): boolean {
  if (!can(actor, action)) return false;
  return actor.role !== "editor" || (actor.id !== "" && update.postedBy === actor.id);
}

export function requireChangeUpdate(actor: Actor, action: "update.edit" | "update.withdraw", update: Posted): void {
  requireCan(actor, action);
  if (!mayChangeUpdate(actor, action, update)) {
    throw new ForbiddenError(
      "editor_own_updates_only",
      "An editor (redaktör) may change only the updates they posted.",
    );
  }
}

interface Posted {
  postedBy: string | null;
}

/** Four eyes: the approver is a second person, never the one who posted. */
export function mayApprove(actor: Actor, update: Posted): boolean {
  return can(actor, "update.approve") && actor.id !== "" && update.postedBy !== actor.id;
}

export function requireApprove(actor: Actor, update: Posted): void {
  requireCan(actor, "update.approve");
  if (!mayApprove(actor, update)) {
    throw new ForbiddenError("four_eyes", "Four eyes: a second person must approve; you posted this update yourself.");
  }
}

/** Admins manage everyone; a person may see themselves and manage their own API tokens. */
export function mayManagePerson(actor: Actor, personId: string): boolean {
  return can(actor, "people.manage") || (actor.id !== "" && actor.id === personId && mayWrite(actor));
}

export function mayReadPerson(actor: Actor, personId: string): boolean {
  return can(actor, "people.read") || actor.id === personId;
}

interface HeldAccount {
  departmentId: string | null;
  platform?: string;
  handle?: string;
}

/**
 * Object-level rule for everything that touches an account (removals, snapshots, rights checks,
 * closing, retries): the department rule of publishing to it. Editors act only on their own
 * departments' accounts, never on the organisation's own; the other roles act on any account,
 * within what their role allows.
 */
export function mayActOnAccount(actor: Actor, account: HeldAccount): boolean {
  if (actor.role !== "editor") return true;
  return account.departmentId !== null && actor.departmentIds.includes(account.departmentId);
}

export function requireActOnAccount(actor: Actor, account: HeldAccount): void {
  if (mayActOnAccount(actor, account)) return;
  const name = account.handle ? ` (${account.platform} ${account.handle})` : "";
  throw new ForbiddenError(
    "account_not_permitted",
    `An editor (redaktör) acts only on their own department's accounts${name}.`,
  );
}
