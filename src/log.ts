// A small structured logger. Values under secret-looking keys are redacted before they are
// written, so a credential can never reach a log line by accident.
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export interface Log {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const SECRET_KEY = /credential|password|token|secret|authorization|cookie|jwt/i;

// drizzle's query errors read "Failed query: <sql>\nparams: <values>": the values can be a
// password hash, a sealed credential or a session digest, so they never reach a log line.
const QUERY_PARAMS = /params: [\s\S]*?(?=\n\s+at |$)/g;

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replace(QUERY_PARAMS, "params: [redacted]");
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? "[redacted]" : redactSecrets(v, depth + 1);
  }
  return out;
}

export function createLog(level: LogLevel, write: (line: string) => void = (l) => console.log(l)): Log {
  const emit = (at: Exclude<LogLevel, "silent">) => (message: string, data?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    const fields = data ? ` ${JSON.stringify(redactSecrets(data))}` : "";
    write(`${at.toUpperCase()} ${message}${fields}`);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
