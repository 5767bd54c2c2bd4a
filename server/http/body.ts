import "server-only";
import { readBounded } from "./bounded-body";
import { HttpProblem } from "./problem";

/** Every JSON body Ticket Hub accepts fits in this (an app with its policy JSON is the largest). */
export const MAX_JSON_BODY = 64 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a request's JSON body: a JSON content type (415 otherwise, so a cross-site `text/plain`
 * form cannot post JSON), at most `limit` bytes counted while reading (413 before anything is
 * parsed, however large the body), and parseable (400). Throws HttpProblem; handlers let it through
 * to their error mapping.
 */
export async function readJson(req: Request, limit = MAX_JSON_BODY): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!JSON_TYPE.test(type)) {
    throw new HttpProblem(415, "Unsupported content type", `content-type: must be application/json${type ? `, not ${type.slice(0, 80)}` : ""}`, {
      field: "content-type",
    });
  }
  const bytes = await readBounded(req.body, req.headers.get("content-length"), limit);
  if (!bytes) throw new HttpProblem(413, "Body too large", `body: must be at most ${limit / 1024} KiB`, { field: "body" });
  const text = bytes.toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpProblem(400, "Invalid body", "body: must be a JSON object", { field: "body" });
  }
}

/** readJson, and the value must be a JSON object (not an array, a string or null). */
export async function readJsonObject(req: Request, limit = MAX_JSON_BODY): Promise<Record<string, unknown>> {
  const value = await readJson(req, limit);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpProblem(400, "Invalid body", "body: must be a JSON object", { field: "body" });
  }
  return value as Record<string, unknown>;
}
