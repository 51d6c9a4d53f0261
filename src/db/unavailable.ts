// Telling "the database does not answer" apart from every other failure, whichever driver said
// it: postgres.js (socket errors, its own CONNECTION_* codes, the server's shutdown and timeout
// SQLSTATEs) or PGlite (closed). Drizzle wraps the driver's error as `cause`, so the chain is walked.
import { ServiceUnavailableError } from "../errors";

const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);
/** admin/crash shutdown, cannot connect now, statement timeout, too many connections. */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "57014", "53300"]);
const MESSAGES = [/PGlite is closed/i, /connection terminated/i, /write after end/i, /timeout exceeded/i];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ServiceUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") {
      // Class 08: connection exceptions.
      if (SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith("08")) return true;
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && MESSAGES.some((m) => m.test(message))) return true;
  }
  return false;
}

/** The error as a ServiceUnavailableError when the database does not answer; otherwise null. */
export function toServiceUnavailable(error: unknown): ServiceUnavailableError | null {
  if (error instanceof ServiceUnavailableError) return error;
  return isDatabaseUnavailable(error) ? new ServiceUnavailableError() : null;
}
