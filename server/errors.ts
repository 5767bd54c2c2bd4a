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

const UNREACHABLE_CODES = new Set([
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "SQLITE_CANTOPEN",
  "SQLITE_IOERR",
]);
const UNREACHABLE_TEXT =
  /Can't reach database|Connection terminated|connection (?:is )?closed|timeout exceeded when trying to connect|Connection refused|ECONNREFUSED|ECONNRESET|server closed the connection|terminating connection|the database system is (?:starting up|shutting down)|Timed out fetching a new connection|unable to open database file|disk I\/O error/i;

/**
 * An error as one log line. Prisma's messages start with a blank line and put the cause last
 * ("\nInvalid `prisma.credential.findMany()` invocation:\n\n\n<cause>"): their first line alone
 * logged nothing at all ("[read-cache] "). So the first line that says something, and the last one
 * when it is another.
 */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const first = lines[0] ?? (err instanceof Error ? err.name : "unknown error");
  const last = lines.at(-1);
  return (last && last !== first ? `${first} ${last}` : first).slice(0, 500);
}

/** Whether an error says the database could not be reached (as opposed to a query it refused). */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; message?: unknown };
    if (typeof x.code === "string" && UNREACHABLE_CODES.has(x.code)) return true;
    if (typeof x.message === "string" && UNREACHABLE_TEXT.test(x.message)) return true;
  }
  return false;
}

/**
 * Whether an error came from the database: Prisma's request and connection errors, the driver
 * adapter's, or any that says the database could not be reached. Not Prisma's validation error
 * (a query this code built wrong, not the database).
 */
export function isDatabaseError(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === "string" && /^(?:PrismaClient(?:KnownRequest|UnknownRequest|Initialization|RustPanic)Error|DriverAdapterError)$/.test(name)) return true;
  return isDatabaseUnreachable(err);
}

/**
 * The class of a refusal, which the HTTP layer turns into a status code. The core never names a
 * status itself: the same verb may one day answer a queue or a CLI.
 */
export type ErrorKind = "invalid" | "unauthenticated" | "forbidden" | "not-found" | "conflict" | "unprocessable" | "too-many" | "upstream" | "unavailable";

/**
 * The one error a verb throws on purpose. `title` is the problem's one-line summary; the message is
 * the rule that was broken, said about `field` when there is one (the HTTP detail becomes
 * "<field>: <rule>"). `extra` carries machine-readable members (`failure`, `needs`, …) and
 * `retryAfterSeconds` tells a client when trying again can help.
 */
export class AppError extends Error {
  readonly field?: string;
  readonly extra: Record<string, unknown>;
  readonly retryAfterSeconds?: number;
  /** Headers the adapter adds as they are (e.g. www-authenticate); the core rarely needs any. */
  readonly headers: Record<string, string>;

  constructor(
    readonly kind: ErrorKind,
    readonly title: string,
    message: string,
    opts: { field?: string | null; extra?: Record<string, unknown>; retryAfterSeconds?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "AppError";
    if (opts.field) this.field = opts.field;
    this.extra = opts.extra ?? {};
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
    this.headers = opts.headers ?? {};
  }

  /** The problem's detail: the rule, prefixed with the field it is about. */
  get detail(): string {
    return this.field ? `${this.field}: ${this.message}` : this.message;
  }
}

/**
 * The one "no such thing" refusal: `what` is the thing as a person names it ("credential",
 * "API key"), e.g. 404 "Credential not found" / "No credential with id abc". A verb throws it
 * instead of returning null, so that no route writes a 404 branch of its own.
 */
export function notFound(what: string, id: string): AppError {
  return new AppError("not-found", `${what.charAt(0).toUpperCase()}${what.slice(1)} not found`, `No ${what} with id ${id}`);
}
