import { checkHealth } from "@/server/health/check-health";
import { json } from "@/server/http/problem";

export async function GET() {
  const health = await checkHealth();
  return json(health, { status: health.status === "ok" ? 200 : 503 });
}
