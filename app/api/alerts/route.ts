import { listAlerts } from "@/server/alerts/alerts";
import { guarded } from "@/server/http/guard";
import { json } from "@/server/http/problem";

/** GET /api/alerts: open incidents and the most recent resolved ones. */
export const GET = guarded("viewer", "GET /api/alerts", async () => json(await listAlerts()));
