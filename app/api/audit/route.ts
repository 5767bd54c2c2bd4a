import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { getDb } from "@/server/db";
import { invalidInput, json, problem } from "@/server/http/problem";
import { now } from "@/server/clock";

const querySchema = z
  .object({
    limit: z.coerce.number({ error: "must be a whole number from 1 to 500" }).int({ error: "must be a whole number from 1 to 500" }).min(1, { error: "must be a whole number from 1 to 500" }).max(500, { error: "must be a whole number from 1 to 500" }).default(100),
    target: z.string().regex(/^[a-z0-9]{1,64}$/i, { error: "must be an id (letters and digits)" }).optional(),
  })
  .strict();

/** GET /api/audit?limit=100&target=<id>: manual actions, newest first. */
export const GET = guarded("viewer", "GET /api/audit", async (req: Request, _ctx: unknown, user) => {
  const query = querySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) {
    return invalidInput(query.error, "query", ["limit", "target"]);
  }
  const events = await getDb().auditEvent.findMany({
    where: query.data.target ? { target: query.data.target } : {},
    orderBy: { at: "desc" },
    take: query.data.limit,
  });
  return json({
    serverTime: now().toISOString(),
    events: events.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: e.actor, action: e.action, target: e.target, outcome: e.outcome, detail: e.detail })),
  });
});
