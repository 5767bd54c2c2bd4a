import * as z from "zod/mini";

/** The answers of the dashboard's yzb tools (POST /api/yzb/open-id and /check). */
export const openIdSchema = z.object({ openId: z.string() });
export const codeCheckSchema = z.union([
  z.object({ valid: z.literal(true), vendorExpiresAt: z.string() }),
  z.object({ valid: z.literal(false), message: z.string() }),
]);
