import "server-only";
import { AppError, DatabaseUnavailableError, isDatabaseUnreachable, type ErrorKind } from "../errors";

/** An RFC 9457 problem response; never carries a stack trace. */
export function problem(status: number, title: string, detail?: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }), {
    status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers },
  });
}

/**
 * A refusal decided in the HTTP layer (body too large, wrong content type, …), thrown so that a
 * helper deep in a handler can end the request; every handler's error mapping answers it as is.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(`${title}: ${detail}`);
    this.name = "HttpProblem";
  }

  response(): Response {
    return problem(this.status, this.title, this.detail, this.extra, this.headers);
  }
}

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  unprocessable: 422,
  "too-many": 429,
  upstream: 502,
  unavailable: 503,
};

/** The one mapping from the core's typed error to problem+json. */
export function appErrorResponse(err: AppError): Response {
  const headers = err.retryAfterSeconds === undefined ? err.headers : { "retry-after": String(err.retryAfterSeconds), ...err.headers };
  return problem(STATUS[err.kind], err.title, err.detail, err.field ? { field: err.field, ...err.extra } : err.extra, headers);
}

/**
 * The answer for an error a handler did not handle: an HttpProblem or an AppError as it says, an
 * unreachable database as a 503, anything else is logged on the server and answered with a generic 500.
 */
export function internalError(err: unknown, where: string): Response {
  if (err instanceof HttpProblem) return err.response();
  if (err instanceof AppError) return appErrorResponse(err);
  // The database is down: say so, and when to try again, rather than a bare 500.
  if (err instanceof DatabaseUnavailableError || isDatabaseUnreachable(err)) {
    const detail = err instanceof DatabaseUnavailableError ? `${err.message}; try again shortly` : "The database is unreachable; try again shortly.";
    return problem(503, "Database unreachable", detail, { failure: "database-unreachable" }, { "retry-after": "5" });
  }
  console.error(`[${where}] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return problem(500, "Internal error", "Ticket Hub hit an unexpected error; the server log has the details.");
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { "cache-control": "no-store", ...init.headers } });
}

/**
 * A 400 for input that failed its zod schema: names the first offending field and the rule it
 * broke (unknown fields are listed with the allowed ones), e.g. `limit: must be a whole number`.
 */
export function invalidInputProblem(
  error: { issues: readonly ({ code: string; path: readonly PropertyKey[]; message: string } & { keys?: readonly string[] })[] },
  what: "query" | "body",
  allowed: readonly string[],
): HttpProblem {
  const issue = error.issues[0];
  const unknown = issue?.code === "unrecognized_keys";
  const field = unknown ? (issue.keys ?? []).join(", ") : String(issue?.path[0] ?? what);
  const rule = unknown ? `unknown ${what === "query" ? "parameter" : "field"} (allowed: ${allowed.join(", ")})` : (issue?.message ?? "is invalid");
  return new HttpProblem(400, what === "query" ? "Invalid query" : "Invalid body", `${field}: ${rule}`, { field });
}

/** invalidInputProblem as a Response, for a handler that answers rather than throws. */
export function invalidInput(...args: Parameters<typeof invalidInputProblem>): Response {
  return invalidInputProblem(...args).response();
}
