import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { listAuditEvents } from "@/server/audit/list-audit-events";
import { readQuery } from "@/server/http/input";
import { json } from "@/server/http/problem";
import { now } from "@/server/clock";
import { numberIn } from "@/lib/number-rule";

const querySchema = z
  .object({
    limit: numberIn(1, 500, "must be a whole number from 1 to 500", { int: true, coerce: true }).default(100),
    target: z
      .string()
      .regex(/^[a-z0-9]{1,64}$/i, { error: "must be an id (letters and digits)" })
      .optional(),
  })
  .strict();

/** GET /api/audit?limit=100&target=<id>: manual actions, newest first. */
export const GET = guarded("viewer", "GET /api/audit", async (req: Request, _ctx: unknown, _user) => {
  return json({ serverTime: now().toISOString(), events: await listAuditEvents(readQuery(req, querySchema)) });
});
