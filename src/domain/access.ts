// Who may do what. Pure functions, called by every domain function that writes, so the rules
// hold whether the call came from the API, the staff interface or a queue consumer.
import { ForbiddenError } from "../errors";
import type { Actor } from "./actor";

export type Action =
  | "incident.open"
  | "incident.edit"
  | "incident.close"
  | "update.post"
  | "update.edit"
  | "update.withdraw"
  | "update.approve"
  | "delivery.retry"
  | "delivery.pause"
  | "account.manage"
  | "account.verify"
  | "department.manage"
  | "people.manage"
  | "records.read"
  | "records.export"
  | "audit.read"
  | "removal.register"
  | "snapshot.take";

const ALLOWED: Record<Actor["role"], ReadonlySet<Action> | "all"> = {
  admin: "all",
  communicator: new Set<Action>([
    "incident.open",
    "incident.edit",
    "incident.close",
    "update.post",
    "update.edit",
    "update.withdraw",
    "update.approve",
    "delivery.retry",
    "delivery.pause",
    "account.verify",
    "records.read",
    "removal.register",
    "snapshot.take",
  ]),
  editor: new Set<Action>(["update.post", "update.edit", "update.withdraw", "delivery.retry", "removal.register"]),
  registrar: new Set<Action>(["records.read", "records.export", "audit.read", "snapshot.take"]),
  viewer: new Set<Action>(),
};

const SWEDISH_ROLE: Record<Actor["role"], string> = {
  admin: "administratör",
  communicator: "kommunikatör",
  editor: "redaktör",
  registrar: "registrator",
  viewer: "läsare",
};

export function can(actor: Actor, action: Action): boolean {
  const allowed = ALLOWED[actor.role];
  return allowed === "all" || allowed.has(action);
}

export function requireCan(actor: Actor, action: Action): void {
  if (!can(actor, action)) {
    throw new ForbiddenError(`A ${actor.role} (${SWEDISH_ROLE[actor.role]}) may not ${action.replace(".", " ")}.`);
  }
}

export type PublishRight = "own" | "borrow" | "none";

/**
 * Whether the actor may publish through an account: editors only to their own departments'
 * accounts; communicators and admins to any, borrowing when it is not their department's.
 */
export function publishRight(actor: Actor, account: { departmentId: string | null }): PublishRight {
  if (!can(actor, "update.post")) return "none";
  const own = account.departmentId === null || actor.departmentIds.includes(account.departmentId);
  if (actor.role === "editor") return own && account.departmentId !== null ? "own" : "none";
  if (actor.role === "admin") return "own";
  return own ? "own" : "borrow";
}
