import { z } from "zod";

/**
 * FaceID's `user_id` rule for a NONCE ticket (tencent-faceid-nonce-ticket.md): required, at most
 * 30 characters, no special characters. Shared by the server and the NONCE desk's live validation.
 */
export const faceidUserId = z
  .string({ error: "user_id is required" })
  .min(1, { error: "user_id is required" })
  .max(30, { error: "user_id must be at most 30 characters" })
  .regex(/^[A-Za-z0-9_-]+$/, { error: "user_id may only contain letters, digits, _ and -" });

/** The first rule a typed `user_id` breaks, or null when it is fine. */
export function userIdProblem(value: string): string | null {
  const r = faceidUserId.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? "invalid user_id");
}
