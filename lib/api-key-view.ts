import { z } from "zod";
import { textIn } from "./input-rules";

export const apiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  apps: z.array(z.object({ id: z.string(), vendor: z.string(), appId: z.string(), name: z.string() })),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

export const newApiKeySchema = z
  .object({
    name: textIn(60, { required: true, trim: true }),
    appRefs: z
      .array(z.string().regex(/^[a-z0-9]{1,64}$/i, { error: "must be app ids (letters and digits)" }), { error: "must be a list of app ids" })
      .min(1, { error: "pick at least one app" })
      .max(100, { error: "at most 100 apps" }),
  })
  .strict();
