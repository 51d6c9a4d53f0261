// The second step of the double opt-in: the link from the email, or the code from the SMS typed
// on the page. Only then does an address get updates. A code may be tried a few times; after that
// the sign-up is erased and has to be made again.
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import { subscribers } from "../../db/schema";
import type { Deps } from "../../deps";
import { InvalidInputError } from "../../errors";
import { SYSTEM_ACTOR } from "../people/actor";
import { recordAudit } from "../records/audit";
import { digestToken } from "./addresses";
import { tallySubscriber } from "./erasure";

export const MAX_CODE_ATTEMPTS = 5;

export type ConfirmationOutcome = "confirmed" | "unknown" | "wrong_code";

const Ticket = z.string().trim().min(10).max(100);
const Code = z
  .string({ message: "is required" })
  .trim()
  .regex(/^\d{6}$/, "must be the six digits from the SMS");

type ConfirmDeps = Pick<Deps, "db" | "now">;

/** The email link: confirms the pending sign-up it belongs to while the link is valid. */
export async function confirmByLink(deps: ConfirmDeps, token: string): Promise<ConfirmationOutcome> {
  const parsed = Ticket.safeParse(token);
  if (!parsed.success) return "unknown";
  const hash = await digestToken(parsed.data);
  return deps.db.transaction(async (tx) => {
    const row = await lockPendingSignUp(tx, hash, "email", deps.now());
    if (!row) return "unknown";
    await activate(tx, row, deps.now());
    return "confirmed";
  });
}

/** The SMS code, typed against the ticket the sign-up page gave. */
export async function confirmByCode(deps: ConfirmDeps, raw: { ticket?: string; code?: string }) {
  const code = Code.safeParse(raw.code ?? "");
  if (!code.success) {
    throw new InvalidInputError("invalid_input", "The code is wrong.", {
      fields: [{ field: "code", message: code.error.issues[0]?.message ?? "is invalid" }],
    });
  }
  const ticket = Ticket.safeParse(raw.ticket ?? "");
  if (!ticket.success) return "unknown" as const;
  const hash = await digestToken(ticket.data);
  const codeHash = await digestToken(`${ticket.data}:${code.data}`);
  return deps.db.transaction(async (tx): Promise<ConfirmationOutcome> => {
    const row = await lockPendingSignUp(tx, hash, "sms", deps.now());
    // A ticket with nothing behind it (a throttled or repeated sign-up) reads as a wrong code.
    if (!row) return "wrong_code";
    if (row.confirmCodeHash !== codeHash) {
      if (row.confirmAttempts + 1 >= MAX_CODE_ATTEMPTS) await tx.delete(subscribers).where(eq(subscribers.id, row.id));
      else
        await tx
          .update(subscribers)
          .set({ confirmAttempts: row.confirmAttempts + 1 })
          .where(eq(subscribers.id, row.id));
      return "wrong_code";
    }
    await activate(tx, row, deps.now());
    return "confirmed";
  });
}

/** The pending sign-up a ticket belongs to, while it is valid, locked for the confirmation. */
async function lockPendingSignUp(tx: DbOrTx, hash: string, channel: "email" | "sms", now: Date) {
  const [row] = await tx
    .select()
    .from(subscribers)
    .where(
      and(eq(subscribers.confirmHash, hash), eq(subscribers.channel, channel), gt(subscribers.confirmExpiresAt, now)),
    )
    .for("update");
  return row;
}

async function activate(tx: DbOrTx, row: typeof subscribers.$inferSelect, now: Date) {
  // One subscription per address and scope: the confirmed one replaces an older one (a new language).
  const replaced = await tx
    .delete(subscribers)
    .where(
      and(
        eq(subscribers.addressHash, row.addressHash),
        eq(subscribers.channel, row.channel),
        ne(subscribers.id, row.id),
        eq(subscribers.status, "confirmed"),
        row.incidentId ? eq(subscribers.incidentId, row.incidentId) : isNull(subscribers.incidentId),
      ),
    )
    .returning({ id: subscribers.id });
  await tx
    .update(subscribers)
    .set({
      status: "confirmed",
      confirmedAt: now,
      confirmHash: null,
      confirmCodeHash: null,
      confirmExpiresAt: null,
      confirmAttempts: 0,
    })
    .where(eq(subscribers.id, row.id));
  if (!replaced.length) await tallySubscriber(tx, `${row.channel}:confirmed`);
  await recordAudit(tx, SYSTEM_ACTOR, now, {
    action: "subscriber.confirmed",
    entityType: "subscriber",
    entityId: row.id,
    incidentId: row.incidentId ?? undefined,
    after: { channel: row.channel, language: row.language, incidentId: row.incidentId },
  });
}
