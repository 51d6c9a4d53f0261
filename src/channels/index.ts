// Every subscriber channel, in an exhaustive record: a new channel kind fails to compile until
// it is wired in here.
import type { SubscriberChannelKind } from "../db/schema";
import { email } from "./email";
import { sms } from "./sms";
import type { SubscriberChannel } from "./types";

export const CHANNELS: Record<SubscriberChannelKind, SubscriberChannel> = { email, sms };
