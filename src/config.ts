// Settings parsed from a plain record: process.env on Node, the env bindings on Workers.
import { z } from "zod";
import { type OidcConfig, OidcEnvSchema, parseOidcConfig } from "./domain/people/oidc-config";

const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined || v === "" ? fallback : !["0", "false", "no", "off"].includes(v.toLowerCase()),
    );

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("localhost"),
  DATABASE_URL: z.string().optional(),
  KRISKANAL_DATA_DIR: z.string().default("./data"),
  KRISKANAL_DEMO: flag(true),
  KRISKANAL_PUBLIC_URL: z.string().url().optional(),
  KRISKANAL_BOOTSTRAP_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  KRISKANAL_SECRET_KEY: z.string().optional(),
  KRISKANAL_ORG_NAME: z.string().default("Exempelkommun"),
  /** Secure cookies unless the hub is served from localhost over plain HTTP. */
  KRISKANAL_SECURE_COOKIES: z.string().optional(),
  KRISKANAL_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(100).default(1000),
  KRISKANAL_LEASE_MS: z.coerce.number().int().min(2000).default(20_000),
  KRISKANAL_WEBHOOK_URL: z.string().url().optional(),
  KRISKANAL_WEBHOOK_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  KRISKANAL_LOG: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  KRISKANAL_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  KRISKANAL_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),
  KRISKANAL_TRUST_PROXY: flag(false),
  KRISKANAL_API_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
  KRISKANAL_PUBLIC_RATE_LIMIT: z.coerce.number().int().min(0).default(6000),
  KRISKANAL_PASSWORD_SIGNIN: flag(true),
  KRISKANAL_CAP_EXPIRES_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  KRISKANAL_WEBSUB_ALLOW_PRIVATE: flag(false),
  KRISKANAL_WEBSUB_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
  KRISKANAL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  KRISKANAL_MAIL_FROM: z.string().min(3).max(300).optional(),
  KRISKANAL_SMS_URL: z.string().url().default("https://api.46elks.com"),
  KRISKANAL_SMS_USERNAME: z.string().optional(),
  KRISKANAL_SMS_PASSWORD: z.string().optional(),
  KRISKANAL_SMS_FROM: z
    .string()
    .regex(/^([A-Za-z][A-Za-z0-9]{2,10}|\+[1-9]\d{6,14})$/, "must be 3-11 letters and digits, or a number as +46...")
    .default("Krisinfo"),
  KRISKANAL_SMS_MAX_SEGMENTS: z.coerce.number().int().min(1).max(10).default(3),
  KRISKANAL_MAIL_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  KRISKANAL_SMS_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  KRISKANAL_SUBSCRIBE_RATE_LIMIT: z.coerce.number().int().min(0).default(10),
  KRISKANAL_SUBSCRIBER_RETENTION_DAYS: z.coerce.number().int().min(1).default(730),
  KRISKANAL_VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^B[A-Za-z0-9_-]{86}$/, "must be an uncompressed P-256 public key, base64url (87 characters)")
    .optional(),
  KRISKANAL_VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, "must be a P-256 private key, base64url (43 characters)")
    .optional(),
  KRISKANAL_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)\S+$/, "must be a mailto: or https: address")
    .optional(),
  KRISKANAL_PUSH_ALLOW_PRIVATE: flag(false),
  KRISKANAL_PUSH_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
  ...OidcEnvSchema.shape,
});

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  demo: boolean;
  /** Base of every permalink, without a trailing slash. */
  publicUrl: string;
  bootstrapToken?: string;
  secretKey?: string;
  orgName: string;
  secureCookies: boolean;
  /** How often the Node loop looks for due rows: retries, and rows whose lease ran out. */
  dispatchIntervalMs: number;
  /** How long a claimed delivery is held without a heartbeat before another dispatcher may take it. */
  leaseMs: number;
  webhookUrl?: string;
  /** Signs every webhook body (HMAC-SHA256) so the receiver can tell it came from this hub. */
  webhookSecret?: string;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** The largest JSON or form body read; a larger one is refused with 413 before it is read. */
  maxBodyBytes: number;
  /** The largest body an upload route may read (none yet; kept apart from maxBodyBytes). */
  maxUploadBytes: number;
  /** Take the client address from X-Forwarded-For: only behind a proxy that sets it. */
  trustProxy: boolean;
  /** Requests per minute per client address on /api; 0 turns the limit off. */
  apiRateLimit: number;
  /** Requests per minute per client address on public pages and feeds; 0 turns the limit off. */
  publicRateLimit: number;
  /** Local passwords on the staff sign-in page; off leaves only the identity provider (and API tokens). */
  passwordSignIn: boolean;
  /** WebSub callbacks on loopback and private addresses are accepted (tests, a closed network). */
  websubAllowPrivate: boolean;
  /** WebSub subscription requests per minute per client address; 0 turns the limit off. */
  websubRateLimit: number;
  /** Email to subscribers over SMTP (Node): smtp://user:pass@host:587; none turns email sign-up off. */
  smtpUrl?: string;
  /** From: of subscriber email, e.g. "Exempelkommun <krisinfo@exempel.se>". */
  mailFrom: string;
  /** SMS to subscribers through 46elks; absent unless a username and password are set. */
  sms?: { url: string; username: string; password: string; from: string };
  /** The most SMS segments an update may take; its text is shortened, the links kept. */
  smsMaxSegments: number;
  /** Emails and SMS sent to subscribers per minute, across processes. */
  mailRateLimit: number;
  smsRateLimit: number;
  /** Sign-ups per minute per client address on /prenumerera; 0 turns the limit off. */
  subscribeRateLimit: number;
  /** A subscriber who has got nothing for this many days is erased. */
  subscriberRetentionDays: number;
  /** VAPID keys from the environment; without them the hub makes a pair once and keeps it sealed in the database. */
  vapid?: { publicKey: string; privateKey: string };
  /** Who push services can reach about this hub's notifications (RFC 8292 sub); the public URL when unset. */
  vapidSubject?: string;
  /** Push endpoints on loopback and private addresses are accepted (tests, a closed network). */
  pushAllowPrivate: boolean;
  /** Push subscription requests per minute per client address; 0 turns the limit off. */
  pushRateLimit: number;
  /** Sign-in with the municipality's identity provider (OpenID Connect), when configured. */
  oidc?: OidcConfig;
  /** Hours a CAP message stays in force without an expected end; each new message renews it (24 when unset). */
  capExpiresHours?: number;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  if (!e.KRISKANAL_VAPID_PUBLIC_KEY !== !e.KRISKANAL_VAPID_PRIVATE_KEY) {
    throw new Error(
      "Invalid configuration:\n  KRISKANAL_VAPID_PUBLIC_KEY and KRISKANAL_VAPID_PRIVATE_KEY are set together or not at all",
    );
  }
  const oidc = parseOidcConfig(e);
  const publicUrl = (
    e.KRISKANAL_PUBLIC_URL ?? `http://${e.HOST === "0.0.0.0" ? "localhost" : e.HOST}:${e.PORT}`
  ).replace(/\/+$/, "");
  const secureCookies =
    e.KRISKANAL_SECURE_COOKIES !== undefined
      ? !["0", "false", "no", "off"].includes(e.KRISKANAL_SECURE_COOKIES.toLowerCase())
      : publicUrl.startsWith("https://");
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: e.KRISKANAL_DATA_DIR,
    demo: e.KRISKANAL_DEMO,
    publicUrl,
    bootstrapToken: e.KRISKANAL_BOOTSTRAP_TOKEN,
    secretKey: e.KRISKANAL_SECRET_KEY,
    orgName: e.KRISKANAL_ORG_NAME,
    secureCookies,
    dispatchIntervalMs: e.KRISKANAL_DISPATCH_INTERVAL_MS,
    leaseMs: e.KRISKANAL_LEASE_MS,
    webhookUrl: e.KRISKANAL_WEBHOOK_URL,
    webhookSecret: e.KRISKANAL_WEBHOOK_SECRET,
    logLevel: e.KRISKANAL_LOG,
    maxBodyBytes: e.KRISKANAL_MAX_BODY_BYTES,
    maxUploadBytes: e.KRISKANAL_MAX_UPLOAD_BYTES,
    trustProxy: e.KRISKANAL_TRUST_PROXY,
    apiRateLimit: e.KRISKANAL_API_RATE_LIMIT,
    publicRateLimit: e.KRISKANAL_PUBLIC_RATE_LIMIT,
    passwordSignIn: e.KRISKANAL_PASSWORD_SIGNIN,
    capExpiresHours: e.KRISKANAL_CAP_EXPIRES_HOURS,
    websubAllowPrivate: e.KRISKANAL_WEBSUB_ALLOW_PRIVATE,
    websubRateLimit: e.KRISKANAL_WEBSUB_RATE_LIMIT,
    smtpUrl: e.KRISKANAL_SMTP_URL || undefined,
    mailFrom: e.KRISKANAL_MAIL_FROM ?? `${e.KRISKANAL_ORG_NAME} <krisinformation@${new URL(publicUrl).hostname}>`,
    ...(e.KRISKANAL_SMS_USERNAME && e.KRISKANAL_SMS_PASSWORD
      ? {
          sms: {
            url: e.KRISKANAL_SMS_URL.replace(/\/+$/, ""),
            username: e.KRISKANAL_SMS_USERNAME,
            password: e.KRISKANAL_SMS_PASSWORD,
            from: e.KRISKANAL_SMS_FROM,
          },
        }
      : {}),
    smsMaxSegments: e.KRISKANAL_SMS_MAX_SEGMENTS,
    mailRateLimit: e.KRISKANAL_MAIL_RATE_LIMIT,
    smsRateLimit: e.KRISKANAL_SMS_RATE_LIMIT,
    subscribeRateLimit: e.KRISKANAL_SUBSCRIBE_RATE_LIMIT,
    subscriberRetentionDays: e.KRISKANAL_SUBSCRIBER_RETENTION_DAYS,
    ...(e.KRISKANAL_VAPID_PUBLIC_KEY && e.KRISKANAL_VAPID_PRIVATE_KEY
      ? { vapid: { publicKey: e.KRISKANAL_VAPID_PUBLIC_KEY, privateKey: e.KRISKANAL_VAPID_PRIVATE_KEY } }
      : {}),
    ...(e.KRISKANAL_VAPID_SUBJECT ? { vapidSubject: e.KRISKANAL_VAPID_SUBJECT } : {}),
    pushAllowPrivate: e.KRISKANAL_PUSH_ALLOW_PRIVATE,
    pushRateLimit: e.KRISKANAL_PUSH_RATE_LIMIT,
    ...(oidc ? { oidc } : {}),
  };
}
