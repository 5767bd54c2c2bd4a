import { z } from "zod";
import { setAppAlertChannel } from "@/server/alerts/app-channel";
import { readJson } from "@/server/http/body";
import { guarded } from "@/server/http/guard";
import { invalidInput, json, problem } from "@/server/http/problem";

const paramsSchema = z.object({ id: z.string().regex(/^[a-z0-9]{1,64}$/i) }).strict();
const bodySchema = z.object({ channel: z.union([z.null(), z.record(z.string(), z.unknown())], { error: "must be null or {type, url, secret?}" }) }).strict();

/** PUT /api/apps/:id/alert-channel {channel: {type, url, secret?} | null}: the app's own chat bot (admin; audited; the secret is write-only). */
export const PUT = guarded("admin", "PUT /api/apps/:id/alert-channel", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid app id", "id: must be 1–64 letters or digits", { field: "id" });
  const body = bodySchema.safeParse(await readJson(req));
  if (!body.success) return invalidInput(body.error, "body", ["channel"]);
  return json(await setAppAlertChannel({ id: params.data.id, channel: body.data.channel, actor: user.username }));
});
