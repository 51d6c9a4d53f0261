// Unsubscribing by the link in every message (and RFC 8058 one-click from the mail program): the
// token finds the subscription, which is erased at once. An unknown token gets the same answer,
// so the link reveals nothing about whether it still worked.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { subscribers } from "../../db/schema";
import type { Deps } from "../../deps";
import { digestToken } from "./addresses";
import { eraseSubscriber } from "./erasure";

const Token = z.string().trim().min(10).max(100);

export async function unsubscribeByToken(deps: Pick<Deps, "db" | "now">, token: string): Promise<boolean> {
  const parsed = Token.safeParse(token);
  if (!parsed.success) return false;
  const hash = await digestToken(parsed.data);
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: subscribers.id, channel: subscribers.channel })
      .from(subscribers)
      .where(eq(subscribers.unsubscribeHash, hash));
    if (!row) return false;
    return eraseSubscriber(tx, row.id, row.channel, "unsubscribed", deps.now());
  });
}
