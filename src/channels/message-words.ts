// The words around an update in an email or SMS. Swedish, and English for those who chose it;
// other languages get the Swedish frame around their translated text.
import type { UpdateKind } from "../db/schema";

export interface MessageWords {
  kind: Record<UpdateKind, string>;
  readMore: string;
  why: (orgName: string) => string;
  unsubscribe: string;
  smsUnsubscribe: string;
  published: string;
  confirmSubject: (orgName: string) => string;
  confirmEmail: (orgName: string, scope: string) => string;
  confirmButton: string;
  confirmIgnore: string;
  smsCode: (code: string, orgName: string) => string;
}

const sv: MessageWords = {
  kind: { update: "Uppdatering", correction: "Rättelse", all_clear: "Faran över" },
  readMore: "Läs mer och se alla uppdateringar",
  why: (org) => `Du får det här meddelandet för att du prenumererar på krisinformation från ${org}.`,
  unsubscribe: "Avsluta prenumerationen",
  smsUnsubscribe: "Avsluta",
  published: "Publicerad",
  confirmSubject: (org) => `Bekräfta din prenumeration på krisinformation från ${org}`,
  confirmEmail: (org, scope) =>
    `Någon, förhoppningsvis du, har bett om att få krisinformation från ${org} till den här adressen (${scope}). Bekräfta med länken nedan. Länken gäller i 24 timmar.`,
  confirmButton: "Bekräfta prenumerationen",
  confirmIgnore:
    "Har du inte bett om det? Då kan du strunta i det här meddelandet. Du får inga fler meddelanden och adressen raderas inom ett dygn.",
  smsCode: (code, org) => `${code} är din kod för att prenumerera på krisinformation från ${org}.`,
};

const en: MessageWords = {
  kind: { update: "Update", correction: "Correction", all_clear: "All clear" },
  readMore: "Read more and see every update",
  why: (org) => `You receive this message because you subscribe to crisis information from ${org}.`,
  unsubscribe: "Unsubscribe",
  smsUnsubscribe: "Stop",
  published: "Published",
  confirmSubject: (org) => `Confirm your subscription to crisis information from ${org}`,
  confirmEmail: (org, scope) =>
    `Someone, hopefully you, asked for crisis information from ${org} at this address (${scope}). Confirm with the link below. The link is valid for 24 hours.`,
  confirmButton: "Confirm the subscription",
  confirmIgnore:
    "Did you not ask for this? Then ignore this message. You will get nothing more, and the address is erased within a day.",
  smsCode: (code, org) => `${code} is your code to subscribe to crisis information from ${org}.`,
};

export function wordsFor(language: string): MessageWords {
  return language === "en" || language.startsWith("en-") ? en : sv;
}

const stockholm = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Europe/Stockholm",
  dateStyle: "long",
  timeStyle: "short",
});

export function formatStockholmTime(at: Date): string {
  return stockholm.format(at);
}
