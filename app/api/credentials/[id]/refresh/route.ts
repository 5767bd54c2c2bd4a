import { z } from "zod";
import { guarded } from "@/server/http/guard";
import { limits } from "@/server/auth/rate-limit";
import { now } from "@/server/clock";
import { getDb } from "@/server/db";
import { readJson } from "@/server/http/body";
import { invalidInput, json, problem } from "@/server/http/problem";
import { listCredentials } from "@/server/tickets/list-credentials";
import { NotFoundError, refreshCredential } from "@/server/tickets/refresh-credential";

const paramsSchema = z.object({ id: z.string().min(1).max(64).regex(/^[a-z0-9]+$/i) }).strict();
const generation = z.number({ error: "must be the generation you saw (a whole number ≥ 0)" }).int({ error: "must be the generation you saw (a whole number ≥ 0)" }).min(0, { error: "must be the generation you saw (a whole number ≥ 0)" });
const bodySchema = z.object({ ifGeneration: generation.optional() }).strict();

/**
 * POST /api/credentials/:id/refresh {ifGeneration?}: fetch a new value now. With `ifGeneration`
 * (the dashboard always sends the generation the operator saw) it is a compare-and-refresh: when the
 * stored generation is already newer, the answer is that value and no vendor call is made, so twenty
 * operators clicking at once cost one call.
 */
export const POST = guarded("operator", "POST /api/credentials/:id/refresh", async (req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid credential id", "id: must be 1–64 letters or digits");
  // The body is optional (a plain POST refreshes unconditionally).
  const hasBody = req.headers.get("content-length") !== "0" && (req.headers.has("content-type") || req.headers.has("transfer-encoding"));
  const body = bodySchema.safeParse(hasBody ? await readJson(req) : {});
  if (!body.success) return invalidInput(body.error, "body", ["ifGeneration"]);
  const ifGeneration = body.data.ifGeneration;
  const [seen] = await listCredentials({ credentialId: params.data.id });
  if (!seen) return problem(404, "Credential not found", `No credential with id ${params.data.id}`);
  if (ifGeneration !== undefined && ifGeneration > seen.generation) {
    return problem(409, "No such generation yet", `ifGeneration: ${ifGeneration} is newer than the stored generation ${seen.generation}`, { field: "ifGeneration", generation: seen.generation });
  }
  if (ifGeneration !== undefined && ifGeneration < seen.generation) {
    return json({ serverTime: now().toISOString(), joined: true, alreadyNewer: true, credential: seen });
  }
  const wait = limits.refresh.hit(user.username);
  if (wait) return problem(429, "Too many refreshes", `At most ${limits.refresh.limit} manual refreshes a minute; wait ${wait.retryAfterSeconds} s.`, {}, { "retry-after": String(wait.retryAfterSeconds) });
  try {
    const result = await refreshCredential({
      credentialId: params.data.id,
      reason: "manual",
      need: ifGeneration === undefined ? { type: "always" } : { type: "ifGeneration", generation: ifGeneration },
    });
    const [credential] = await listCredentials({ credentialId: params.data.id });
    if (!credential) return problem(404, "Credential not found", `No credential with id ${params.data.id}`);
    await getDb().auditEvent.create({
      data: {
        actor: user.username,
        action: "credential.refresh",
        target: credential.id,
        outcome: result.ok ? (result.joined ? "joined a running refresh" : "refreshed") : `failed: ${result.failure}`,
        detail: `${credential.appName} ${credential.kind} generation ${credential.generation}${result.ok ? "" : `: ${result.message}`}`,
      },
    });
    if (!result.ok) {
      return problem(502, "Refresh failed", result.message, { failure: result.failure, credential, serverTime: now().toISOString() });
    }
    // Joined: a refresh that was already running (here or on another instance) produced the value.
    return json({ serverTime: now().toISOString(), joined: result.joined, alreadyNewer: false, credential });
  } catch (err) {
    if (err instanceof NotFoundError) return problem(404, "Credential not found", `No credential with id ${params.data.id}`);
    throw err;
  }
});
