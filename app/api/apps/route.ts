import { guarded } from "@/server/http/guard";
import { createApp, listApps } from "@/server/apps/manage-apps";
import { json } from "@/server/http/problem";
import { readJson } from "@/server/http/body";

/** GET /api/apps: every app, never a secret; the alert webhook URL masked for non-admins. */
export const GET = guarded("viewer", "GET /api/apps", async (_req: Request, _ctx: unknown, user) => {
  return json({ apps: await listApps({ role: user.role }) });
});

/** POST /api/apps {vendor, name, appId, secret, baseUrl, tokenVariant?, tokenPath?, policy?} → 201. */
export const POST = guarded("admin", "POST /api/apps", async (req: Request, _ctx: unknown, user) => {
  const raw = await readJson(req);
  return json({ app: await createApp({ input: raw, actor: user.username }) }, { status: 201 });
});
