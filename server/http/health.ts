import "server-only";
import { z } from "zod";
import { numberIn } from "@/lib/number-rule";
import { checkHealth, type HealthStatus } from "../health/check-health";
import { invalidInput, json } from "./problem";

const code = numberIn(100, 599, "must be an HTTP status code (100-599)", { int: true, coerce: true });
const querySchema = z.object({ okcode: code.optional(), degradedcode: code.optional(), downcode: code.optional() }).strict();

/**
 * GET /api/health: ok (200), degraded (200: still serving valid values, see `problems`) or down
 * (503). Like Vault's /sys/health, a load balancer that wants other codes asks for them:
 * `?degradedcode=429` takes a degraded instance out of rotation where others are healthy.
 * One implementation for both adapters: the Next route (app/api/health) and the read plane.
 */
export async function healthAnswer(req: Request): Promise<Response> {
  const query = querySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) return invalidInput(query.error, "query", ["okcode", "degradedcode", "downcode"]);
  const health = await checkHealth();
  const codes: Record<HealthStatus, number> = { ok: query.data.okcode ?? 200, degraded: query.data.degradedcode ?? 200, down: query.data.downcode ?? 503 };
  return json(health, { status: codes[health.status] });
}
