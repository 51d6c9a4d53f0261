// Asking for updates by email or SMS (double opt-in). A sign-up stores the address sealed as
// "pending" and sends the one message an unconfirmed address ever gets: a link (email) or a
// code (SMS). The answer is the same whether the address was new, already subscribed or over
// its limit, so the form cannot be used to learn who subscribes.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { CHANNELS } from "../../channels/index";
import type { SubscriberChannelKind } from "../../db/schema";
import { incidents, SUBSCRIBER_CHANNELS, subscribers } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError, InvalidInputError } from "../../errors";
import { randomToken } from "../accounts/secrets";
import { getOrganisation } from "../publishing/organisation";
import { digestToken, EmailAddress, hashAddress, hideAddressIn, PhoneNumber, sealAddress } from "./addresses";
import { confirmPath } from "./paths";
import { admitSignUp } from "./sign-up-throttle";

export const CONFIRM_WINDOW_MS = 24 * 3_600_000;

export const SignUpInput = z.object({
  channel: z.enum(SUBSCRIBER_CHANNELS),
  address: z.string().max(400),
  /** An incident's slug, or empty for every incident. */
  incident: z.string().trim().max(200).default(""),
  language: z.string().trim().max(35).default("sv"),
});

export type SignUpDeps = Pick<Deps, "db" | "now" | "config" | "secretKey" | "fetch" | "log" | "defer" | "mail">;

/** What the page shows next: for SMS, the ticket the code is typed against. */
export interface SignUpAnswer {
  channel: SubscriberChannelKind;
  ticket: string;
}

export async function signUpSubscriber(deps: SignUpDeps, raw: unknown): Promise<SignUpAnswer> {
  const input = SignUpInput.parse(raw);
  const field = input.channel === "email" ? "email" : "phone";
  const channel = CHANNELS[input.channel];
  if (!channel.configured(deps)) {
    throw new AppError(422, "not_supported", `Subscribing by ${input.channel} is not set up on this hub.`);
  }
  const parsedAddress = (input.channel === "email" ? EmailAddress : PhoneNumber).safeParse(input.address);
  const org = await getOrganisation(deps.db);
  const fields: { field: string; message: string }[] = [];
  if (!parsedAddress.success) fields.push({ field, message: parsedAddress.error.issues[0]?.message ?? "is invalid" });
  if (!org.languages.includes(input.language)) fields.push({ field: "language", message: "is not offered" });
  const incident = input.incident
    ? (await deps.db.select().from(incidents).where(eq(incidents.slug, input.incident)))[0]
    : undefined;
  if (input.incident && incident?.status !== "active") {
    fields.push({ field: "incident", message: "is not an active incident" });
  }
  if (fields.length || !parsedAddress.success) {
    throw new InvalidInputError("invalid_input", "The sign-up has wrong fields.", { fields });
  }
  const address = parsedAddress.data;
  const ticket = randomToken(input.channel === "email" ? "bk" : "sk", 24);
  const code = input.channel === "sms" ? sixDigits() : "";
  const now = deps.now();
  const addressHash = await hashAddress(deps.secretKey, input.channel, address);
  const incidentId = incident?.id ?? null;
  const created = await deps.db.transaction(async (tx) => {
    if (!(await admitSignUp(tx, `address:${addressHash}`, now))) return false;
    const same = await tx
      .select({
        id: subscribers.id,
        status: subscribers.status,
        language: subscribers.language,
        incidentId: subscribers.incidentId,
      })
      .from(subscribers)
      .where(and(eq(subscribers.addressHash, addressHash), eq(subscribers.channel, input.channel)));
    const scope = same.filter((s) => s.incidentId === incidentId);
    if (scope.some((s) => s.status === "confirmed" && s.language === input.language)) return false;
    // A newer sign-up for the same address and scope replaces a pending one: only its link works.
    for (const s of scope.filter((x) => x.status === "pending"))
      await tx.delete(subscribers).where(eq(subscribers.id, s.id));
    const sealed = await sealAddress(deps.secretKey, address);
    await tx.insert(subscribers).values({
      channel: input.channel,
      addressSealed: sealed.sealed,
      addressHash,
      incidentId,
      language: input.language,
      status: "pending",
      confirmHash: await digestToken(ticket),
      confirmCodeHash: code ? await digestToken(`${ticket}:${code}`) : null,
      confirmExpiresAt: new Date(now.getTime() + CONFIRM_WINDOW_MS),
      unsubscribeHash: await digestToken(sealed.token),
      createdAt: now,
    });
    return true;
  });
  if (created) {
    const message = channel.composeConfirmation(
      {
        orgName: org.name,
        scope: incident ? incident.title : input.language === "en" ? "every incident" : "alla händelser",
        language: input.language,
        ...(input.channel === "email" ? { link: `${deps.config.publicUrl}${confirmPath(ticket)}` } : { code }),
      },
      deps.config,
    );
    deps.defer(
      channel.send(deps, address, message).then((result) => {
        if (!result.ok) {
          deps.log.warn("a subscription confirmation was not sent", {
            channel: input.channel,
            class: result.class,
            message: hideAddressIn(result.message, address),
          });
        }
      }),
    );
  }
  return { channel: input.channel, ticket };
}

function sixDigits(): string {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return String(n % 1_000_000).padStart(6, "0");
}
