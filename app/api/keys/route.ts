import { newApiKeySchema } from "@/lib/api-key-view";
import { guarded } from "@/server/auth/guard";
import { ApiKeyInputError, createApiKey, listApiKeys } from "@/server/consumer/api-keys";
import { invalidInput, json, problem } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

/** GET /api/keys (admin): every consumer API key, never the key itself. */
export const GET = guarded("admin", "GET /api/keys", async () => json({ keys: await listApiKeys() }));

/** POST /api/keys {name, appRefs} (admin) → 201 with the key, shown this once. */
export const POST = guarded("admin", "POST /api/keys", async (req: Request, _ctx: unknown, user) => {
  const raw = await readJson(req);
  const input = newApiKeySchema.safeParse(raw);
  if (!input.success) return invalidInput(input.error, "body", ["name", "appRefs"]);
  try {
    const { key, view } = await createApiKey(input.data, user.username);
    return json({ key, apiKey: view }, { status: 201 });
  } catch (err) {
    if (err instanceof ApiKeyInputError) return problem(400, "Invalid API key", `${err.field}: ${err.message}`, { field: err.field });
    throw err;
  }
});
