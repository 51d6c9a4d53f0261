// The OpenID Connect relying party: discovery, the authorization request (code flow with PKCE,
// state and nonce) and the verified ID token. openid-client does the protocol; every request
// goes through deps.fetch (its customFetch), so tests, Node and Workers wire it the same way.
import * as client from "openid-client";
import type { Deps } from "../../deps";
import { isLoopbackIssuer, type OidcConfig } from "./oidc-config";

/** Discovery is fetched again after this long, so a provider's changed endpoints are picked up. */
const DISCOVERY_TTL_MS = 60 * 60 * 1000;

type OidcDeps = Pick<Deps, "config" | "fetch" | "now">;

interface Discovered {
  server: client.ServerMetadata;
  jwks?: client.ExportedJWKSCache;
  at: number;
}
const discovered = new WeakMap<OidcConfig, Discovered>();

/** Why a callback was refused; the words are chosen at the edge (oidc_sign_in_failed). */
export type OidcFailure =
  | "state_mismatch"
  | "nonce_mismatch"
  | "token_expired"
  | "audience_mismatch"
  | "issuer_mismatch"
  | "signature_invalid"
  | "provider_refused"
  | "provider_unreachable"
  | "flow_expired";

export class OidcFlowError extends Error {
  constructor(
    readonly reason: OidcFailure,
    message: string,
  ) {
    super(message);
  }
}

export function requireOidcConfig(deps: Pick<Deps, "config">): OidcConfig {
  const oidc = deps.config.oidc;
  if (!oidc) throw new OidcFlowError("provider_unreachable", "No identity provider is configured.");
  return oidc;
}

export function redirectUri(deps: Pick<Deps, "config">): string {
  return `${deps.config.publicUrl}/staff/oidc/callback`;
}

/**
 * openid-client checks exp and iat against its own clock; the skew makes it use the hub's
 * injected clock instead, so expiry is judged by the same time as everything else. Reading the
 * system clock here is the point, not a slip: the library has no clock seam, only this offset
 * from Date.now(), so the offset is deps.now() minus the clock the library will read.
 */
function clockSkewSeconds(deps: Pick<Deps, "now">): number {
  return Math.round((deps.now().getTime() - Date.now()) / 1000);
}

/** deps.fetch as openid-client's customFetch (its body type is a subset of what fetch takes). */
function customFetchOf(deps: Pick<Deps, "fetch">): client.CustomFetch {
  return (url, options) => deps.fetch(url, options as RequestInit);
}

/** A client configuration for one sign-in, from cached discovery (and JWKS) when fresh. */
export async function openOidcClient(deps: OidcDeps): Promise<client.Configuration> {
  const oidc = requireOidcConfig(deps);
  const metadata: Partial<client.ClientMetadata> = {
    client_secret: oidc.clientSecret,
    [client.clockSkew]: clockSkewSeconds(deps),
  };
  const auth = oidc.clientSecret ? client.ClientSecretPost(oidc.clientSecret) : client.None();
  const cached = discovered.get(oidc);
  let config: client.Configuration;
  if (cached && deps.now().getTime() - cached.at < DISCOVERY_TTL_MS) {
    config = new client.Configuration(cached.server, oidc.clientId, metadata, auth);
    if (isLoopbackIssuer(oidc.issuer)) client.allowInsecureRequests(config);
    config[client.customFetch] = customFetchOf(deps);
    if (cached.jwks) client.setJwksCache(config, cached.jwks);
    client.enableNonRepudiationChecks(config);
  } else {
    try {
      config = await client.discovery(new URL(oidc.issuer), oidc.clientId, metadata, auth, {
        [client.customFetch]: customFetchOf(deps),
        execute: [
          // openid-client trusts an ID token from the token endpoint on TLS alone unless told to
          // check its signature against the provider's JWKS too; we always check.
          client.enableNonRepudiationChecks,
          ...(isLoopbackIssuer(oidc.issuer) ? [client.allowInsecureRequests] : []),
        ],
      });
    } catch (error) {
      throw new OidcFlowError("provider_unreachable", `Discovery failed: ${String(error)}`);
    }
    discovered.set(oidc, { server: config.serverMetadata(), at: deps.now().getTime() });
  }
  return config;
}

/** Keeps the provider's keys for the next sign-in (openid-client refetches on an unknown kid). */
export function rememberJwks(deps: Pick<Deps, "config">, config: client.Configuration): void {
  const oidc = deps.config.oidc;
  const cached = oidc && discovered.get(oidc);
  const jwks = client.getJwksCache(config);
  if (cached && jwks) cached.jwks = jwks;
}

/** What the browser keeps (sealed) between the redirect to the provider and the callback. */
export interface OidcFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  expiresAt: number;
}

export const FLOW_MINUTES = 10;

export async function beginOidcSignIn(deps: OidcDeps, next: string): Promise<{ url: string; flow: OidcFlow }> {
  const config = await openOidcClient(deps);
  const flow: OidcFlow = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier: client.randomPKCECodeVerifier(),
    next,
    expiresAt: deps.now().getTime() + FLOW_MINUTES * 60_000,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(deps),
    scope: "openid profile email",
    response_type: "code",
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: "S256",
  });
  return { url: url.href, flow };
}

/**
 * The verified ID token's claims: signature (JWKS), issuer, audience, expiry, nonce and state
 * checked; with the page the flow began for.
 */
export async function completeOidcSignIn(
  deps: OidcDeps,
  flow: OidcFlow | null,
  callbackUrl: URL,
): Promise<{ claims: client.IDToken; issuer: string; next: string }> {
  if (!flow || flow.expiresAt <= deps.now().getTime()) {
    throw new OidcFlowError("flow_expired", "The sign-in began too long ago, or in another browser.");
  }
  if (callbackUrl.searchParams.get("state") !== flow.state) {
    throw new OidcFlowError("state_mismatch", "The state parameter does not match this browser's sign-in.");
  }
  const config = await openOidcClient(deps);
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    rememberJwks(deps, config);
    const claims = tokens.claims();
    if (!claims) throw new OidcFlowError("signature_invalid", "No ID token in the token response.");
    return { claims, issuer: config.serverMetadata().issuer, next: flow.next };
  } catch (error) {
    if (error instanceof OidcFlowError) throw error;
    throw new OidcFlowError(classifyFailure(error), String((error as Error)?.message ?? error));
  }
}

/** The failed check, read from openid-client's error and its causes. */
function classifyFailure(error: unknown): OidcFailure {
  if (error instanceof client.AuthorizationResponseError) return "provider_refused";
  if (error instanceof client.ResponseBodyError) return "provider_refused";
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  const claim = chain.map((e) => (e as { claim?: unknown }).claim).find((c) => typeof c === "string");
  if (claim === "nonce") return "nonce_mismatch";
  if (claim === "aud" || claim === "azp") return "audience_mismatch";
  if (claim === "iss") return "issuer_mismatch";
  if (claim === "exp" || claim === "iat" || claim === "nbf") return "token_expired";
  const codes = chain.map((e) => (e as { code?: unknown }).code);
  if (codes.includes("OAUTH_KEY_SELECTION_FAILED")) return "signature_invalid";
  if (chain.some((e) => /signature/i.test(String((e as Error)?.message)))) return "signature_invalid";
  if (chain.some((e) => e instanceof TypeError)) return "provider_unreachable";
  return "signature_invalid";
}

/** The provider's RP-initiated logout, when it offers one; null otherwise. */
export async function endSessionUrl(deps: OidcDeps): Promise<string | null> {
  try {
    const config = await openOidcClient(deps);
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, {
      client_id: requireOidcConfig(deps).clientId,
      post_logout_redirect_uri: `${deps.config.publicUrl}/staff/login`,
    }).href;
  } catch {
    return null;
  }
}
