import * as z from "zod/mini";

/** A credential slot as the tools' pickers need it: which app and kind, nothing about its state. */
export const catalogEntrySchema = z.object({
  id: z.string(),
  vendor: z.string(),
  vendorLabel: z.string(),
  appRef: z.string(),
  appId: z.string(),
  appName: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
export const catalogSchema = z.object({ credentials: z.array(catalogEntrySchema) });
