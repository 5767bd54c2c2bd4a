import { internalError, json } from "@/server/http/problem";
import { listCredentials } from "@/server/tickets/list-credentials";

export async function GET() {
  try {
    const credentials = await listCredentials();
    return json({ serverTime: new Date().toISOString(), credentials });
  } catch (err) {
    return internalError(err, "GET /api/credentials");
  }
}
