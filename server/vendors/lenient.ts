import "server-only";
import { z } from "zod";

/** Vendors send numbers as strings ("3600", "0") as often as numbers; accept both, store typed. */
export const lenientInt = z.union([z.number(), z.string().trim().regex(/^-?\d+$/)]).transform((v) => Number(v));

/** A vendor code that may come as 0, "0", 2000 or "2000"; kept as its string form. */
export const lenientCode = z.union([z.number(), z.string()]).transform((v) => String(v).trim());
