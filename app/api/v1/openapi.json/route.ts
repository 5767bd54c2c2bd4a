import { openApiDocument } from "@/server/consumer/openapi";

/** GET /api/v1/openapi.json (no auth): the OpenAPI 3.1 description of the consumer API. */
export function GET() {
  return Response.json(openApiDocument, { headers: { "cache-control": "public, max-age=300" } });
}
