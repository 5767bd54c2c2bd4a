import type { z } from "zod";
import { problemSchema } from "@/lib/credential-view";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly body: unknown,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/** Fetches JSON, turns problem+json answers into ApiError, and parses success with `schema`. */
export async function fetchJson<S extends z.ZodType>(url: string, schema: S, init?: RequestInit): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  } catch {
    throw new ApiError(0, "Ticket Hub is not reachable", "Check that the server is running, then try again.", null);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const p = problemSchema.safeParse(body);
    throw new ApiError(res.status, p.success ? p.data.title : `HTTP ${res.status}`, p.success ? p.data.detail : undefined, body);
  }
  return schema.parse(body);
}
