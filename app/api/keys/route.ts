import { newApiKeySchema } from "@/lib/api-key-view";
import { guarded } from "@/server/http/guard";
import { createApiKey, listApiKeys } from "@/server/consumer/api-keys";
import { invalidInput, json } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

/** GET /api/keys (admin): every consumer API key, never the key itself. */
export const GET = guarded("admin", "GET /api/keys", async () => json({ keys: await listApiKeys() }));

/** POST /api/keys {name, appRefs} (admin) → 201 with the key, shown this once. */
export const POST = guarded("admin", "POST /api/keys", async (req: Request, _ctx: unknown, user) => {
  const raw = await readJson(req);
  const input = newApiKeySchema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["name", "appRefs"]);
  const { key, view } = await createApiKey({ input: input.data, actor: user.username });
  return json({ key, apiKey: view }, { status: 201 });
});
