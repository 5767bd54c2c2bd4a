import { metricsAnswer } from "@/server/http/metrics";

/** GET /api/metrics (server/http/metrics.ts; the read plane answers it with the same code when it runs). */
export async function GET(req: Request) {
  return metricsAnswer(req);
}
