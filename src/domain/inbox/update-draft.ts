// "Svara alla i en uppdatering": a frequent question becomes a new update, so the answer reaches
// everyone on the website first. The draft quotes the question without its author: no handle,
// no mention of anyone, since the update is published to all and the person did not ask for that.
import type { Deps } from "../../deps";
import { requireCan } from "../people/access";
import type { Actor } from "../people/actor";
import { requireInboxItem } from "./items";

const MENTION = /(^|\s)@[\p{L}\p{N}_.-]+(@[\p{L}\p{N}.-]+)?/gu;

export function quoteWithoutAuthor(text: string): string {
  return text.replace(MENTION, "$1").replace(/\s+/g, " ").trim();
}

export async function draftUpdateFromItem(deps: Pick<Deps, "db">, actor: Actor, id: string) {
  requireCan(actor, "update.post");
  const { item } = await requireInboxItem(deps.db, actor, id);
  const question = quoteWithoutAuthor(item.text);
  return {
    incidentId: item.incidentId,
    body: `Vi har fått frågan: ”${question}”\n\nSvar: `,
  };
}
