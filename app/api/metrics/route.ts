import { authenticate } from "@/server/http/guard";
import { authenticateKey } from "@/server/http/api-key";
import { internalError } from "@/server/http/problem";
import { renderMetrics } from "@/server/metrics/render";

/**
 * GET /api/metrics (Prometheus text format): for a scraper with an API key
 * (`authorization: Bearer thk_…`), which sees only its apps, or a signed-in user, who sees all.
 * No values, only their state.
 */
export async function GET(req: Request) {
  try {
    const who = req.headers.get("authorization") ? await authenticateKey(req) : await authenticate(req, "viewer");
    const text = await renderMetrics({ apps: "appRefs" in who ? who.appRefs : "all" });
    return new Response(text, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
  } catch (err) {
    return internalError(err, "GET /api/metrics");
  }
}
