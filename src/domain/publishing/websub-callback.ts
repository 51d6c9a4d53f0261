// Whether the hub may call a subscriber's callback. A callback on a loopback, private or
// link-local address would let anyone on the Internet make the hub send requests inside the
// municipality's network, so those are refused unless KRISKANAL_WEBSUB_ALLOW_PRIVATE is set.
// Only the URL's host literal is checked: a public name that resolves to a private address is
// not caught, since Workers offers no DNS lookup to check it with (and checking before the
// request would not stop a name that resolves differently a moment later anyway).

/** The reason a callback is refused, or null when the hub may call it. */
export function refuseCallback(callback: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(callback);
  } catch {
    return "must be an absolute URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http or https URL";
  if (url.username || url.password) return "must not carry a user name or password";
  if (!allowPrivate && isPrivateHost(url.hostname)) return "must not be on a loopback or private address";
  return null;
}

/** The WHATWG URL parser has already normalised IPv4 forms (0x7f.1, 2130706433) to dotted quads. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) {
    return true;
  }
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) return isPrivateV4(v4.slice(1).map(Number));
  if (host.includes(":")) {
    // IPv4-mapped and -compatible forms carry an IPv4 address in their last 32 bits.
    const mapped =
      /^(?:0*:)*(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(host) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped) {
      if (mapped.length === 2) return isPrivateV4(mapped[1].split(".").map(Number));
      const hi = Number.parseInt(mapped[1], 16);
      const lo = Number.parseInt(mapped[2], 16);
      return isPrivateV4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
    }
    if (host === "::" || host === "::1") return true;
    const first = Number.parseInt(host.split(":")[0] || "0", 16);
    // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local (deprecated).
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0;
  }
  return false;
}

function isPrivateV4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}
