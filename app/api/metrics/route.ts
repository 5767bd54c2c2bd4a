import { authenticate } from "@/server/auth/guard";
import { authenticateKey } from "@/server/consumer/api-keys";
import { getDb } from "@/server/db";
import { internalError } from "@/server/http/problem";
import { renderMetrics } from "@/server/metrics/render";

/**
 * GET /api/metrics (Prometheus text format): for a scraper with any API key
 * (`authorization: Bearer thk_…`), or a signed-in user. No values, only their state.
 */
export async function GET(req: Request) {
  try {
    const who = req.headers.get("authorization") ? await authenticateKey(req) : await authenticate(req, "viewer");
    if (who instanceof Response) return who;
    const open = await getDb().alert.groupBy({ by: ["kind"], where: { openKey: { not: null } }, _count: { _all: true } });
    const text = await renderMetrics([
      { name: "tickethub_alerts_open", help: "Open alert incidents by kind.", samples: ["refresh-failing", "expiring", "quota"].map((kind) => ({ labels: { kind }, value: open.find((o) => o.kind === kind)?._count._all ?? 0 })) },
    ]);
    return new Response(text, { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" } });
  } catch (err) {
    return internalError(err, "GET /api/metrics");
  }
}
