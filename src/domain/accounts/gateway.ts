// The one way out to a platform with an account's credential (DESIGN: "one gateway to the
// outside"). The credential is opened here, in memory, for the length of one call; whatever the
// call gives back has the credential hidden before anyone else sees it, and a call that throws
// or a credential that cannot be opened is a typed failure, never an exception.
import type { Deps } from "../../deps";
import { createSend } from "../../platforms/http";
import type { AdapterContext, Credential, FailureResult, PlatformAdapter } from "../../platforms/types";
import { type Account, toAccountTarget } from "./accounts";
import { credentialHider, openJson } from "./secrets";

export type GatewayDeps = Pick<Deps, "platforms" | "secretKey" | "fetch" | "now">;

export type GatewayResult<T> = { ok: true; value: T } | FailureResult;

export interface CallOptions {
  /** Per request (see createSend); the adapter's default when not given. */
  timeoutMs?: number;
  /** The call is for an exercise: refused unless the account is an exercise account. */
  exercise?: boolean;
}

export const NO_CREDENTIAL_MESSAGE = "Kriskanal har inga inloggningsuppgifter för kontot.";
export const EXERCISE_ACCOUNT_REQUIRED_MESSAGE =
  "Övning: kontot är inget övningskonto, så inget skickades dit. En övning publiceras bara i övningskonton.";
export const UNOPENABLE_CREDENTIAL_MESSAGE =
  "Inloggningsuppgifterna kan inte dekrypteras (har KRISKANAL_SECRET_KEY bytts?). Ange dem på nytt.";

export async function callAdapter<T>(
  deps: GatewayDeps,
  account: Account,
  call: (adapter: PlatformAdapter, ctx: AdapterContext) => Promise<T>,
  options: CallOptions = {},
): Promise<GatewayResult<T>> {
  // The last door: whatever queued it, an exercise never goes out through a real account.
  if (options.exercise && !account.exercise) {
    return { ok: false, class: "invalid", message: EXERCISE_ACCOUNT_REQUIRED_MESSAGE };
  }
  const adapter = deps.platforms[account.platform];
  if (!adapter) return { ok: false, class: "invalid", message: `Okänd plattform "${account.platform}".` };
  if (!account.credentialCiphertext) return { ok: false, class: "auth", message: NO_CREDENTIAL_MESSAGE };
  let credential: Credential;
  try {
    credential = await openJson<Credential>(deps.secretKey, account.credentialCiphertext);
  } catch {
    // A rotated or wrong key: the account needs its credential entered again.
    return { ok: false, class: "auth", message: UNOPENABLE_CREDENTIAL_MESSAGE };
  }
  const ctx: AdapterContext = {
    account: toAccountTarget(account),
    credential,
    send: createSend(deps.fetch, options.timeoutMs),
    now: deps.now,
  };
  try {
    const value = await call(adapter, ctx);
    return { ok: true, value: hideCredentialDeep(value, credentialHider(credential)) };
  } catch (error) {
    const message = `Internt fel: ${String((error as Error)?.message ?? error)}`;
    return { ok: false, class: "retry", message: credentialHider(credential)(message) };
  }
}

/**
 * Every string in plain data (objects, arrays) with the credential hidden. Unchanged parts keep
 * their identity, so a result that carries its input along (a job) is not copied for nothing.
 */
function hideCredentialDeep<T>(value: T, hide: (text: string) => string): T {
  if (typeof value === "string") return hide(value) as T;
  if (Array.isArray(value)) {
    const out = value.map((item) => hideCredentialDeep(item, hide));
    return (out.some((item, i) => item !== value[i]) ? out : value) as T;
  }
  if (!isPlainObject(value)) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = hideCredentialDeep(item, hide);
    if (out[key] !== item) changed = true;
  }
  return (changed ? out : value) as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
