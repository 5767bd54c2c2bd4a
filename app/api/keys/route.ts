import { newApiKeySchema } from "@/lib/api-key-view";
import { guarded } from "@/server/http/guard";
import { readBody } from "@/server/http/input";
import { createApiKey, listApiKeys } from "@/server/consumer/api-keys";
import { json } from "@/server/http/problem";

/** GET /api/keys (admin): every consumer API key, never the key itself. */
export const GET = guarded("admin", "GET /api/keys", async () => json({ keys: await listApiKeys() }));

/** POST /api/keys {name, appRefs} (admin) → 201 with the key, shown this once. */
export const POST = guarded("admin", "POST /api/keys", async (req: Request, _ctx: unknown, user) => {
  const input = await readBody(req, newApiKeySchema);
  const { key, view } = await createApiKey({ input: input, actor: user.username });
  return json({ key, apiKey: view }, { status: 201 });
});
