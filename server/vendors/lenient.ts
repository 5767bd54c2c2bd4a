import "server-only";
import { z } from "zod";

/** Vendors send numbers as strings ("3600", "0") as often as numbers; accept both, store typed. */
export const lenientInt = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+$/),
  ])
  .transform((v) => Number(v));

/** A vendor code that may come as 0, "0", 2000 or "2000"; kept as its string form. */
export const lenientCode = z.union([z.number(), z.string()]).transform((v) => String(v).trim());

/**
 * A lifetime in seconds (expire_in, expires_in, expire): validity is our fetch time plus this, so a
 * zero or negative one would store a value that is dead on arrival and refresh it in a tight loop.
 */
export const lenientSeconds = lenientInt.refine((n) => n > 0, { error: "expire_in must be a positive number of seconds" });
