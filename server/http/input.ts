import "server-only";
import { z } from "zod";
import { readJson, readJsonObject } from "./body";
import { HttpProblem, invalidInputProblem } from "./problem";

/** The fields an object schema allows, for the "unknown field (allowed: …)" rule. */
const allowedOf = (schema: z.ZodType): string[] => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);

/** `value` checked against `schema`; a 400 naming the field and the rule it broke otherwise. */
export function parseInput<S extends z.ZodType>(value: unknown, schema: S, what: "query" | "body"): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInputProblem(parsed.error, what, allowedOf(schema));
  return parsed.data;
}

/**
 * The request's JSON body checked against `schema`: 415/413/400 from readJson (and "must be a JSON
 * object" for an object schema), then a 400 naming the field and the rule it broke.
 */
export async function readBody<S extends z.ZodType>(req: Request, schema: S, opts: { limit?: number } = {}): Promise<z.output<S>> {
  const raw = schema instanceof z.ZodObject ? await readJsonObject(req, opts.limit) : await readJson(req, opts.limit);
  return parseInput(raw, schema, "body");
}

/** The request's query string checked against `schema` (400 naming the parameter). */
export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return parseInput(Object.fromEntries(new URL(req.url).searchParams), schema, "query");
}

/** The `[id]` segment of a dashboard route: a database id (cuid), never a path or a query. */
export const idParams = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();

/** The second argument Next passes to a handler under an `[id]` folder. */
export type IdContext = { params: Promise<{ id: string }> };

/** The route's `[id]`, checked; a 400 naming the field otherwise (`what` names it in the title: "Invalid credential id"). */
export async function routeId(ctx: IdContext, what: string): Promise<string> {
  const params = idParams.safeParse(await ctx.params);
  if (!params.success) throw new HttpProblem(400, `Invalid ${what} id`, "id: must be 1–64 letters or digits", { field: "id" });
  return params.data.id;
}
