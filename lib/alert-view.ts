import * as z from "zod/mini";

/** An alert as GET /api/alerts shows it (zod/mini: the overview polls this and stays light). */
export const alertViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  message: z.string(),
  appName: z.nullable(z.string()),
  credentialId: z.nullable(z.string()),
  openedAt: z.string(),
  resolvedAt: z.nullable(z.string()),
  notified: z.boolean(),
  deliveryError: z.nullable(z.string()),
});
export type AlertView = z.infer<typeof alertViewSchema>;

export const alertListSchema = z.object({ open: z.array(alertViewSchema), recent: z.array(alertViewSchema) });
export type AlertList = z.infer<typeof alertListSchema>;
