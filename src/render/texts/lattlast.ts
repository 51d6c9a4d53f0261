// Easy-to-read Swedish (lättläst, sv-x-lattlast): the Swedish table in shorter, plainer words.
import type { PublicTexts } from "../public-texts";
import { sv } from "./sv";

export const lattlast: PublicTexts = {
  ...sv,
  siteSuffix: "information vid kris",
  navCurrent: "Det här händer nu",
  homeTitle: "Det här händer nu",
  homeHeading: (org) => `${org} informerar vid kris`,
  homeDescription: (org) => `Information från ${org} om det som händer nu.`,
  ongoing: "Det här händer nu",
  noOngoing: "Just nu händer inget särskilt.",
  recentlyResolved: "Det här är över",
  noneResolved: "Inget har tagit slut de senaste 30 dagarna.",
  resolvedOn: "slut",
  severity: { info: "Information", minor: "Lite problem", major: "Stora problem", critical: "Mycket stora problem" },
  status: { active: "Händer nu", resolved: "Över" },
  occurred: "Började",
  closedOn: "slut",
  nowHeading: "Så här är det nu",
  notTranslated: "Den här texten finns inte på lättläst svenska än. Här är den vanliga texten.",
  withdrawnHeading: (n) => `Uppdatering ${n} gäller inte längre`,
  withdrawnOn: "Gäller inte sedan",
  channelsIntro: (org) =>
    `Här är alla konton som ${org} har i sociala medier. Vid en kris skriver vi först här. Sedan skriver vi samma sak på kontona. Ett konto som inte finns här är inte vårt.`,
  subscribeIntro: (org) =>
    `Vill du veta direkt när ${org} skriver något nytt om en kris? Då kan du prenumerera på ett flöde.`,
  feedExplained:
    "Ett flöde är en adress. Du lägger in adressen i en app som heter flödesläsare. Sedan ser du allt nytt i appen. Det kostar inget. Du behöver inte säga vem du är.",
  feedInBrowser: "Om du öppnar adressen i webbläsaren ser du bara kod. Det ska vara så.",
};
