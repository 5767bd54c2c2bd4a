import { z } from "zod";

/**
 * A number between `min` and `max` (whole when `int`), with one message for every way it can be
 * wrong: "must be whole seconds from 60 to 7000" says the whole rule, whichever part broke.
 * `coerce` reads it from text (environment variables, query strings).
 */
export function numberIn(min: number, max: number, message: string, opts: { int?: boolean; coerce?: boolean } = {}) {
  const error = { error: message };
  const base = opts.coerce ? z.coerce.number(error) : z.number(error);
  return (opts.int ? base.int(error) : base).min(min, error).max(max, error);
}
