// Who is acting. Every write records its actor; the role decides what they may do (access.ts).
import type { Role } from "../../db/schema";

export interface Actor {
  id: string;
  name: string;
  role: Role;
  title?: string | null;
  /** The department the person belongs to (for the signature). */
  departmentName?: string | null;
  /** Departments whose accounts an editor may publish to; a communicator's own departments. */
  departmentIds: string[];
  via: "token" | "session" | "system";
  tokenId?: string;
  /** A token's scopes narrow what its person's role allows (access.ts); absent means the whole role. */
  scopes?: readonly string[];
  email?: string;
  /** The identity provider's subject of a person who signs in through it (shown in the audit log). */
  subject?: string;
}

/** The hub itself: scheduled checks, the dispatcher, seeding. */
export const SYSTEM_ACTOR: Actor = {
  id: "",
  name: "Kriskanal (system)",
  role: "admin",
  departmentIds: [],
  via: "system",
};
