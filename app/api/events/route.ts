import { eventsAnswer } from "@/server/http/events";

export const dynamic = "force-dynamic";

/** GET /api/events (server/http/events.ts; the read plane answers it with the same code when it runs). */
export async function GET(req: Request): Promise<Response> {
  return eventsAnswer(req);
}
