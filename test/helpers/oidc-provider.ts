// A real OpenID Provider for tests: oidc-provider in-process on a loopback port, with one test
// client (the hub) and test accounts whose ID tokens carry role claims. signInAtProvider drives
// its login page over real HTTP, as a browser would, and returns the redirect back to the hub.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { must } from "./must";

export const TEST_CLIENT_ID = "kriskanal-test";
export const TEST_CLIENT_SECRET = "test-client-secret-0123456789abcdef";

export interface TestAccount {
  name?: string;
  email?: string;
  preferred_username?: string;
  roles?: string[];
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  /** Accounts by subject; a test may change one's claims between sign-ins. */
  accounts: Map<string, TestAccount>;
  /** The provider's signing key (private), so a test can forge a token signed by the real key. */
  signingKey: CryptoKey;
  close(): Promise<void>;
}

export async function startTestProvider(options: {
  redirectUri: string;
  postLogoutRedirectUri: string;
  accounts?: Record<string, TestAccount>;
}): Promise<TestProvider> {
  const { privateKey } = await newSigningKey();
  // WebCrypto marks the exported private key "sign" only; the published public key must verify.
  const { key_ops: _ops, ext: _ext, ...exported } = await crypto.subtle.exportKey("jwk", privateKey);
  const signingJwk = {
    ...exported,
    kid: "test-key-1",
    alg: "RS256",
    use: "sig",
  };
  const accounts = new Map(Object.entries(options.accounts ?? {}));
  const server: Server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [signingJwk] },
    cookies: { keys: ["test-provider-cookie-key-0123456789"] },
    claims: {
      openid: ["sub", "roles", "groups"],
      profile: ["name", "preferred_username"],
      email: ["email"],
    },
    // Like Entra ID: the claims ride in the ID token, not only in userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...accounts.get(sub) }) };
    },
    // A first-party client: every scope and claim is granted without a consent page.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: must(ctx.oidc.client, "the grant's client").clientId,
        accountId: must(ctx.oidc.session, "the grant's session").accountId,
      });
      grant.addOIDCScope("openid profile email");
      grant.addOIDCClaims(["sub", "name", "email", "preferred_username", "roles", "groups"]);
      await grant.save();
      return grant;
    },
  });
  server.on("request", provider.callback());
  return {
    issuer,
    accounts,
    signingKey: privateKey,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/** A small cookie jar for the provider's own cookies (one host, expiry ignored). */
function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    take(res: Response) {
      for (const line of res.headers.getSetCookie()) {
        const pair = line.split(";")[0];
        const name = pair.slice(0, pair.indexOf("="));
        const value = pair.slice(pair.indexOf("=") + 1);
        if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name);
        else cookies.set(name, value);
      }
    },
  };
}

/**
 * Follows the hub's redirect to the provider, signs in as `subject` on the provider's login page
 * (real HTTP), and returns the URL the provider sends the browser back to (the hub's callback).
 */
export async function signInAtProvider(authorizationUrl: string, subject: string): Promise<URL> {
  const jar = cookieJar();
  let url = new URL(authorizationUrl);
  let body: URLSearchParams | undefined;
  for (let hops = 0; hops < 10; hops++) {
    const res = await fetch(url, {
      method: body ? "POST" : "GET",
      redirect: "manual",
      headers: {
        cookie: jar.header(),
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body,
    });
    jar.take(res);
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(must(res.headers.get("location"), "a redirect's location"), url);
      await res.arrayBuffer();
      if (next.origin !== url.origin) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200 || !/name="login"/.test(html))
      throw new Error(`provider: ${res.status} ${html.slice(0, 300)}`);
    // The login page posts back to the interaction.
    body = new URLSearchParams({ prompt: "login", login: subject, password: "valfritt" });
  }
  throw new Error("provider: too many redirects");
}

export function newSigningKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  ) as Promise<CryptoKeyPair>;
}

const base64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** A compact RS256 JWS over the given claims: how a test forges an ID token. */
export async function signIdToken(
  key: CryptoKey,
  claims: Record<string, unknown>,
  kid = "test-key-1",
): Promise<string> {
  const encode = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));
  const input = `${encode({ alg: "RS256", typ: "JWT", kid })}.${encode(claims)}`;
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** The claims of a compact JWS, unverified (the test reads what the provider issued). */
export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}
