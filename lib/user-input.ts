import { z } from "zod";
import { textIn } from "./input-rules";
import { ROLES } from "./roles";

export const usernameSchema = z
  .string({ error: "is required" })
  .trim()
  .regex(/^[A-Za-z0-9_.@-]{1,64}$/, { error: "must be 1–64 letters, digits, _ . @ or -" });
export const passwordSchema = z
  .string({ error: "is required" })
  .min(12, { error: "must be at least 12 characters" })
  .max(200, { error: "must be at most 200 characters" });
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` });

export const signInSchema = z
  .object({
    username: textIn(64, { required: true }),
    password: textIn(200, { required: true }),
  })
  .strict();
export const newUserSchema = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema }).strict();
export const userChangeSchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean({ error: "must be true or false" }).optional(), password: passwordSchema.optional() })
  .strict()
  .refine((v) => v.role !== undefined || v.disabled !== undefined || v.password !== undefined, { error: "give role, disabled or password" });

export const userViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userViewSchema>;
