// The preview shows a post as its readers will see it. Telegram is sent HTML (parse_mode HTML, so
// the link is an anchor and the text escaped); its readers see neither tags nor entities.
import type { Platform } from "../../platforms/types";

export function toReaderText(platform: Platform, text: string): string {
  if (platform !== "telegram") return text;
  return text
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}
