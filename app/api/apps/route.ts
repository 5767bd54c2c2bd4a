import { AppInputError, createApp, listApps } from "@/server/apps/manage-apps";
import { internalError, json, problem } from "@/server/http/problem";

/** GET /api/apps: every app, never a secret. */
export async function GET() {
  try {
    return json({ apps: await listApps() });
  } catch (err) {
    return internalError(err, "GET /api/apps");
  }
}

/** POST /api/apps {vendor, name, appId, secret, baseUrl, tokenVariant?, tokenPath?, policy?} → 201. */
export async function POST(req: Request) {
  const raw: unknown = await req.json().catch(() => undefined);
  if (raw === undefined) return problem(400, "Invalid body", "body: must be a JSON object", { field: "body" });
  try {
    return json({ app: await createApp(raw, "dashboard") }, { status: 201 });
  } catch (err) {
    if (err instanceof AppInputError) return problem(err.status, "Invalid app", `${err.field}: ${err.message}`, { field: err.field });
    return internalError(err, "POST /api/apps");
  }
}
