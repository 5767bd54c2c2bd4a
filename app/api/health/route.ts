import { healthAnswer } from "@/server/http/health";

/** GET /api/health (server/http/health.ts; the read plane answers it with the same code when it runs). */
export async function GET(req: Request) {
  return healthAnswer(req);
}
