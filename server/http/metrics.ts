import "server-only";
import { metricLines, metricsBody, type PeerProcess } from "../metrics/render";
import { authenticateKey } from "./api-key";
import { authenticate } from "./guard";
import { internalError } from "./problem";

/**
 * GET /api/metrics (Prometheus text format): for a scraper with an API key
 * (`authorization: Bearer thk_…`), which sees only its apps, or a signed-in user, who sees all.
 * No values, only their state. One implementation for both adapters: the Next route (app/api/metrics,
 * `self` "next", no peers) and the read plane (`self` "read-plane", the Next server as its peer).
 */
export async function metricsAnswer(req: Request, self = "next", peers: () => Promise<PeerProcess[]> = async () => []): Promise<Response> {
  try {
    const who = req.headers.get("authorization") ? await authenticateKey(req) : await authenticate(req, "viewer");
    const lines = await metricLines({ apps: "appRefs" in who ? who.appRefs : "all" }, self, await peers());
    return new Response(metricsBody(lines), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
  } catch (err) {
    return internalError(err, "GET /api/metrics");
  }
}
