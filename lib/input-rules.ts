import { z } from "zod";

/**
 * Text of at most `max` characters, each limit said one way everywhere: "is required" (missing,
 * not a string, or — when `required` — empty) and "must be at most N characters". `trim` cuts
 * surrounding white space before the limits apply.
 */
export function textIn(max: number, opts: { required?: boolean; trim?: boolean } = {}) {
  const text = opts.required ? requiredText(opts) : opts.trim ? z.string().trim() : z.string();
  return text.max(max, { error: `must be at most ${max} characters` });
}

/** Text that must be there (not missing, not empty after the optional trim): "is required" otherwise. */
export function requiredText(opts: { trim?: boolean } = {}) {
  const text = z.string({ error: "is required" });
  return (opts.trim ? text.trim() : text).min(1, { error: "is required" });
}

/** A unix time in whole seconds; a figure in milliseconds (the usual slip) is named as such. */
export function unixSeconds() {
  const error = { error: "must be a unix time in seconds" };
  return z.number(error).int(error).min(0, error).max(4_102_444_800, { error: "must be a unix time in seconds, not milliseconds" });
}
