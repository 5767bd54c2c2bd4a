import "server-only";

/**
 * The database did not answer and nothing this instance holds in memory may stand in for it (a
 * value never seen, or one past its vendor's overlap window since the last confirmation). The HTTP
 * layer answers 503 with Retry-After: the database usually comes back.
 */
export class DatabaseUnavailableError extends Error {
  readonly retryAfterSeconds = 5;
  constructor(readonly what: string) {
    super(`the database is unreachable and ${what}`);
    this.name = "DatabaseUnavailableError";
  }
}

const UNREACHABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE", "SQLITE_CANTOPEN", "SQLITE_IOERR"]);
const UNREACHABLE_TEXT = /Can't reach database|Connection terminated|connection (?:is )?closed|timeout exceeded when trying to connect|Connection refused|ECONNREFUSED|ECONNRESET|server closed the connection|terminating connection|the database system is (?:starting up|shutting down)|Timed out fetching a new connection|unable to open database file|disk I\/O error/i;

/** Whether an error says the database could not be reached (as opposed to a query it refused). */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; message?: unknown };
    if (typeof x.code === "string" && UNREACHABLE_CODES.has(x.code)) return true;
    if (typeof x.message === "string" && UNREACHABLE_TEXT.test(x.message)) return true;
  }
  return false;
}
