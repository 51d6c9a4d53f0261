// Which text a delivery carries: the Swedish body or one translation, by the delivery's language.
// A publish for an account that waits for its translation is held until the translation exists
// or the account's wait has passed; then the Swedish text goes. Decided before the first attempt
// only, so a retry never switches language (and its link) under a post that may have landed.
import { translationDeadline, waitingMessage } from "../domain/publishing/delivery-languages";
import { SWEDISH } from "../domain/publishing/languages";
import type { Job, UpdatePost } from "./jobs";

export interface PostText {
  language: string;
  body: string;
  revision: number;
  editReason: string | null;
}

export function textIn(post: UpdatePost, language: string): PostText | null {
  if (language === SWEDISH) {
    const u = post.update;
    return { language, body: u.body, revision: u.revision, editReason: u.editReason };
  }
  const t = post.translations.find((x) => x.language === language);
  return t ? { language, body: t.body, revision: t.revision, editReason: t.editReason } : null;
}

export type TextChoice = { kind: "send"; text: PostText } | { kind: "hold"; until: Date; message: string };

export function chooseText(job: Job, post: UpdatePost, now: Date): TextChoice {
  const { delivery, account } = job;
  const text = textIn(post, delivery.language);
  if (text) return { kind: "send", text };
  const wait = account.translationWaitMinutes;
  const firstTry = delivery.attempts <= 1 && !job.maybeSent;
  if (delivery.kind === "publish" && firstTry && wait && account.language === delivery.language) {
    const until = translationDeadline(delivery.createdAt, wait);
    if (now < until) return { kind: "hold", until, message: waitingMessage(delivery.language, wait) };
  }
  return { kind: "send", text: textIn(post, SWEDISH) as PostText };
}
