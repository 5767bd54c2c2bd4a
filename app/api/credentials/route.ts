import { now } from "@/server/clock";
import { internalError, json } from "@/server/http/problem";
import { listCredentials } from "@/server/tickets/list-credentials";

export async function GET() {
  try {
    const credentials = await listCredentials();
    return json({ serverTime: now().toISOString(), credentials });
  } catch (err) {
    return internalError(err, "GET /api/credentials");
  }
}
